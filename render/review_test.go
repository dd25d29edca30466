package render_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// The report's review chapter counts what the workshop walked through,
// names what needs following up and what was not discussed, and reaches
// 100 % when every element and flow was reviewed.
func TestReportReviewCoverage(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, report(t, m, nil))
	if !strings.Contains(text, "No workshop review is recorded") {
		t.Error("an unreviewed model's report must say so")
	}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	var followed string
	for _, e := range m.ElementList() {
		state := model.Discussed
		if followed == "" && e.Kind == model.Process {
			state, followed = model.FollowUp, m.NameOf(e)
		}
		if err := model.SetReview(m, e.ID, state, "ana", at).Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	_, total := m.ReviewCoverage()
	text = pdfText(t, report(t, m, nil))
	for _, want := range []string{"Review coverage", "(100 %;", "Needs follow-up", followed,
		fmt.Sprintf("reviewed %d of %d elements and flows", total, total)} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
