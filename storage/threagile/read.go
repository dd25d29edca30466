package threagile

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/lenient"
	"github.com/rampart-tm/rampart/storage/internal/place"
)

// Read turns a Threagile model into a Rampart model. Threagile draws
// nothing, so the one diagram is laid out with each trust boundary around
// what it holds, and listed as unplaced for a layout program to redo.
// Notes say what was left out or changed.
func Read(data []byte) (m *model.Model, notes, unplaced []string, err error) {
	doc, err := decode(data)
	if err != nil {
		return nil, nil, nil, err
	}
	r := &reader{doc: doc, m: model.New(""), within: map[string]string{}, links: map[string]*model.Element{}}
	r.info()
	r.dataAssets()
	r.boundaries()
	r.technicalAssets()
	r.communicationLinks()
	r.runtimes()
	r.risks()
	place.Pack(r.m, model.RootDiagramID, r.within)
	r.note("Threagile draws no diagram: Rampart laid it out, each trust boundary around what it holds")
	r.notes = append(r.notes, model.Bound(r.m)...)
	if err := model.CheckReferences(r.m); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %v", ErrNotThreagile, err)
	}
	return r.m, r.notes, []string{model.RootDiagramID}, nil
}

type reader struct {
	doc    *document
	m      *model.Model
	notes  []string
	within map[string]string          // element → the trust boundary that holds it
	links  map[string]*model.Element  // Threagile's link id → its flow
	byID   map[string]*technicalAsset // technical assets by their id, made on first use
	wild   []wildcard                 // the tracking keys with a *, made on first use
	number int
}

func (r *reader) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// plainText is Threagile's HTML-flavoured text as plain text.
func plainText(t text) string { return lenient.PlainText(string(t)) }

func (r *reader) info() {
	d := r.doc
	r.m.Name = plainText(d.Title)
	if r.m.Name == "" {
		r.m.Name = "Threagile model"
	}
	if a := plainText(d.Author.Name); a != "" {
		r.m.Authors, r.m.Owner = []string{a}, a
	}
	var desc []string
	for _, part := range []struct{ label, text string }{{"", plainText(d.Summary)}, {"Business overview: ", plainText(d.Business.Description)},
		{"Technical overview: ", plainText(d.Technical.Description)}, {"Business criticality: ", plainText(d.Criticality)}} {
		if part.text != "" {
			desc = append(desc, part.label+part.text)
		}
	}
	r.m.Description = strings.Join(desc, "\n\n")
	section := func(title string, items map[string]text) string {
		if len(items) == 0 {
			return ""
		}
		lines := []string{title}
		for _, k := range slices.Sorted(maps.Keys(items)) {
			line := "- " + strings.TrimSpace(k)
			if v := plainText(items[k]); v != "" {
				line += ": " + v
			}
			lines = append(lines, line)
		}
		return strings.Join(lines, "\n")
	}
	r.m.Scope = strings.TrimSpace(section("Abuse cases:", d.AbuseCases) + "\n\n" + section("Security requirements:", d.Requirements))
	r.m.Assumptions = section("Questions and their answers (an empty answer is unanswered):", d.Questions)
	if t, err := time.Parse("2006-01-02", strings.TrimSpace(string(d.Date))); err == nil {
		r.m.Created, r.m.Modified = t, t
	}
}

func (r *reader) dataAssets() {
	for _, title := range slices.Sorted(maps.Keys(r.doc.DataAssets)) {
		a := r.doc.DataAssets[title]
		id := strings.TrimSpace(string(a.ID))
		if id == "" || r.m.Assets[id] != nil {
			r.note("data asset %q has a missing or repeated id and was left out", title)
			continue
		}
		desc := []string{plainText(a.Description)}
		for _, f := range []struct{ label, v string }{{"Usage", plainText(a.Usage)}, {"Origin", plainText(a.Origin)},
			{"Owner", plainText(a.Owner)}, {"Quantity", plainText(a.Quantity)}, {"Why rated so", plainText(a.Justification)}} {
			if f.v != "" {
				desc = append(desc, f.label+": "+f.v)
			}
		}
		r.m.Assets[id] = &model.DataAsset{ID: id, Name: strings.TrimSpace(title), Description: strings.TrimSpace(strings.Join(desc, "\n")),
			Classification: classification(string(a.Confidentiality)), Confidentiality: confidentiality(string(a.Confidentiality)),
			Integrity: criticality(string(a.Integrity)), Availability: criticality(string(a.Availability))}
	}
}

// assetIDs keeps the data asset references that name one, sorted, once each.
func (r *reader) assetIDs(owner string, lists ...[]text) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range lists {
		for _, t := range list {
			id := strings.TrimSpace(string(t))
			switch {
			case id == "" || seen[id]:
			case r.m.Assets[id] == nil:
				r.note("%q refers to data asset %q, which is not in the model; the reference was left out", owner, id)
			default:
				out = append(out, id)
			}
			seen[id] = true
		}
	}
	sort.Strings(out)
	return out
}

func (r *reader) boundaries() {
	for _, title := range slices.Sorted(maps.Keys(r.doc.Boundaries)) {
		b := r.doc.Boundaries[title]
		id := strings.TrimSpace(string(b.ID))
		if id == "" || r.m.Elements[id] != nil {
			r.note("trust boundary %q has a missing or repeated id and was left out", title)
			continue
		}
		e := &model.Element{ID: id, Kind: model.TrustBoundary, Diagram: model.RootDiagramID, Name: strings.TrimSpace(title),
			Description: plainText(b.Description), Props: map[string]string{}}
		if t := norm(string(b.Type)); t != "" {
			e.Props["threagile:type"] = t
			if t == "network-policy-namespace-isolation" {
				e.Props["zone"] = "cluster"
			}
		}
		if tags := lenient.Texts(b.Tags); len(tags) > 0 {
			e.Props["threagile:tags"] = strings.Join(tags, ", ")
		}
		r.m.Elements[id] = e
	}
	for _, title := range slices.Sorted(maps.Keys(r.doc.Boundaries)) {
		b := r.doc.Boundaries[title]
		outer := strings.TrimSpace(string(b.ID))
		if r.m.Elements[outer] == nil {
			continue
		}
		for _, in := range lenient.Texts(b.Nested) {
			switch e := r.m.Elements[in]; {
			case e == nil || e.Kind != model.TrustBoundary:
				r.note("trust boundary %q nests %q, which is not a trust boundary in the model; it was left out", title, in)
			case r.within[in] != "":
				r.note("trust boundary %q is nested in both %q and %q; it was drawn in the first", e.Name, r.within[in], outer)
			case r.encloses(in, outer):
				r.note("trust boundaries %q and %q nest each other; %q was drawn outside", e.Name, r.m.Elements[outer].Name, e.Name)
			default:
				r.within[in] = outer
			}
		}
	}
}

// encloses reports whether boundary a holds b, directly or further down.
func (r *reader) encloses(a, b string) bool {
	seen := map[string]bool{}
	for at := b; at != "" && !seen[at]; at = r.within[at] {
		if at == a {
			return true
		}
		seen[at] = true
	}
	return false
}

func (r *reader) technicalAssets() {
	inside := map[string]string{} // asset → the boundary that lists it
	for _, title := range slices.Sorted(maps.Keys(r.doc.Boundaries)) {
		b := r.doc.Boundaries[title]
		for _, a := range lenient.Texts(b.Inside) {
			if prev, ok := inside[a]; ok && prev != string(b.ID) {
				r.note("technical asset %q is inside both %q and %q; it was drawn in the first", a, prev, b.ID)
				continue
			}
			inside[a] = strings.TrimSpace(string(b.ID))
		}
	}
	for _, title := range slices.Sorted(maps.Keys(r.doc.Assets)) {
		a := r.doc.Assets[title]
		id := strings.TrimSpace(string(a.ID))
		if id == "" || r.m.Elements[id] != nil {
			r.note("technical asset %q has a missing or repeated id and was left out", title)
			continue
		}
		e := &model.Element{ID: id, Diagram: model.RootDiagramID, Name: strings.TrimSpace(title), Description: plainText(a.Description),
			Props: map[string]string{}, OutOfScope: bool(a.OutOfScope), Assets: r.assetIDs(title, a.Processed, a.Stored)}
		if e.OutOfScope {
			e.OutOfScopeReason = plainText(a.OutOfScopeWhy)
		}
		switch t := norm(string(a.Type)); t {
		case "external-entity":
			e.Kind = model.ExternalEntity
		case "datastore":
			e.Kind = model.DataStore
		default:
			if t != "process" {
				r.note("technical asset %q has type %q; it was read as a process", title, a.Type)
			}
			e.Kind = model.Process
		}
		r.assetProps(e, a)
		if b := inside[id]; b != "" && r.m.Elements[b] != nil {
			r.within[id] = b
		}
		r.m.Elements[id] = e
	}
	for a, b := range inside {
		if r.m.Elements[a] == nil {
			r.note("trust boundary %q holds %q, which is not a technical asset in the model", b, a)
		}
	}
}

// assetProps maps Threagile's properties of a technical asset onto
// Rampart's, and keeps each as it was in threagile:<name>.
func (r *reader) assetProps(e *model.Element, a technicalAsset) {
	p := e.Props
	keep := func(key string, v text) {
		if s := plainText(v); s != "" {
			p["threagile:"+key] = s
		}
	}
	keepFlag := func(key string, f *flag) (bool, bool) {
		if f == nil {
			return false, false
		}
		p["threagile:"+key] = fmt.Sprint(bool(*f))
		return bool(*f), true
	}
	set := func(key string, v bool) {
		if model.PropFor(e.Kind, key) != nil {
			p[key] = fmt.Sprint(v)
		}
	}
	tech := norm(string(a.Technology))
	keep("technology", a.Technology)
	switch t := technologies[e.Kind][tech]; {
	case e.Kind == model.Process && humanClient(&a) != "":
		// A process a person uses as their client runs on their device.
		p["technology"] = humanClient(&a)
	case t != "":
		p["technology"] = t
	case e.Kind == model.ExternalEntity && bool(a.Human):
		p["technology"] = "user"
	}
	for key, v := range map[string]text{"usage": a.Usage, "size": a.Size, "machine": a.Machine, "encryption": a.Encryption,
		"owner": a.Owner, "confidentiality": a.Confidentiality, "integrity": a.Integrity, "availability": a.Availability} {
		keep(key, v)
	}
	if a.Human {
		p["threagile:used_as_client_by_human"] = "true"
	}
	if tags := lenient.Texts(a.Tags); len(tags) > 0 {
		p["threagile:tags"] = strings.Join(tags, ", ")
	}
	if v, ok := keepFlag("internet", a.Internet); ok {
		set("internet_facing", v)
	}
	if v, ok := keepFlag("multi_tenant", a.MultiTenant); ok && e.Kind == model.DataStore {
		set("shared", v)
	}
	keepFlag("redundant", a.Redundant)
	keepFlag("custom_developed_parts", a.CustomDeveloped)
	switch enc := norm(string(a.Encryption)); {
	case enc == "" || e.Kind != model.DataStore:
	case enc == "none":
		set("encrypted_at_rest", false)
	default:
		set("encrypted_at_rest", true)
	}
	if e.Kind == model.Process {
		switch norm(string(a.Machine)) {
		case "container":
			set("runs_in_container", true)
		case "physical", "virtual":
			set("runs_in_container", false)
		case "serverless":
			if p["technology"] == "" {
				p["technology"] = "serverless_function"
			}
		}
	}
	if formats := lenient.Texts(a.Formats); len(formats) > 0 {
		p["threagile:data_formats_accepted"] = strings.Join(formats, ", ")
		deserializes, xml := false, false
		for _, f := range formats {
			deserializes = deserializes || norm(f) == "serialization"
			xml = xml || norm(f) == "xml"
		}
		if e.Kind == model.Process {
			set("deserializes_input", deserializes)
			set("parses_xml", xml)
		}
	}
	if e.Kind == model.DataStore && strings.HasPrefix(tech, "identity-store") {
		set("stores_credentials", true)
	}
}

// linkID is Threagile's id of a communication link, which its risk
// tracking refers to.
var notWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

func linkID(source, title string) string {
	return source + ">" + strings.Trim(notWord.ReplaceAllString(strings.ToLower(title), "-"), "- ")
}

func (r *reader) communicationLinks() {
	callers := map[string][]commLink{} // process → the links that call it
	for _, title := range slices.Sorted(maps.Keys(r.doc.Assets)) {
		a := r.doc.Assets[title]
		src := strings.TrimSpace(string(a.ID))
		if e := r.m.Elements[src]; e == nil || !e.Kind.IsNode() {
			continue
		}
		for _, lt := range slices.Sorted(maps.Keys(a.Links)) {
			l := a.Links[lt]
			dst := strings.TrimSpace(string(l.Target))
			if e := r.m.Elements[dst]; e == nil || !e.Kind.IsNode() {
				r.note("communication link %q of %q goes to %q, which is not a technical asset in the model; it was left out", lt, title, dst)
				continue
			}
			id := linkID(src, lt)
			if r.m.Elements[id] != nil {
				r.note("communication link %q of %q has the id of another; it was left out", lt, title)
				continue
			}
			// A link is drawn from its caller, as the rules read who calls
			// whom, and carries what the caller sends: what comes back is
			// kept in threagile:data_assets_received, so that its target is
			// not said to receive data it only hands out.
			f := &model.Element{ID: id, Kind: model.DataFlow, Diagram: model.RootDiagramID, Name: strings.TrimSpace(lt),
				Description: plainText(l.Description), Source: src, Target: dst, Props: map[string]string{},
				Assets: r.assetIDs(lt, l.Sent)}
			r.linkProps(f, l, r.doc.Assets[title], r.assetByID(dst))
			if a, b := r.m.Elements[src], r.m.Elements[dst]; a.Kind != model.Process && b.Kind != model.Process {
				r.note("communication link %q goes from %s %q to %s %q with no process between them; a data-flow diagram needs one, so validate will report it",
					lt, a.Kind.Label(), a.Label(), b.Kind.Label(), b.Label())
			}
			r.m.Elements[id], r.links[id] = f, f
			if r.m.Elements[dst].Kind == model.Process {
				callers[dst] = append(callers[dst], l)
			}
		}
	}
	// A process authenticates (and authorizes) its callers when every link
	// into it says so.
	for id, links := range callers {
		// A load balancer, reverse proxy or WAF passes the credentials on
		// to what stands behind it: it signs nobody in.
		if t := r.m.Elements[id].Prop("technology"); t == "load_balancer" || t == "waf" {
			continue
		}
		authn, authz := true, true
		for _, l := range links {
			authn = authn && norm(string(l.Authentication)) != "none" && norm(string(l.Authentication)) != ""
			authz = authz && norm(string(l.Authorization)) != "none" && norm(string(l.Authorization)) != ""
		}
		r.m.Elements[id].Props["authenticates_callers"] = fmt.Sprint(authn)
		r.m.Elements[id].Props["authorizes_requests"] = fmt.Sprint(authz)
	}
}

func (r *reader) assetByID(id string) *technicalAsset {
	if r.byID == nil {
		r.byID = map[string]*technicalAsset{}
		for _, title := range slices.Sorted(maps.Keys(r.doc.Assets)) {
			a := r.doc.Assets[title]
			if key := strings.TrimSpace(string(a.ID)); r.byID[key] == nil {
				r.byID[key] = &a // the first by title, as before
			}
		}
	}
	return r.byID[id]
}

// linkProps maps a link's protocol, authentication, authorization and
// encryption onto the flow's properties.
func (r *reader) linkProps(f *model.Element, l commLink, src technicalAsset, dst *technicalAsset) {
	p := f.Props
	proto := norm(string(l.Protocol))
	if proto != "" {
		p["protocol"] = proto
	}
	switch {
	case proto == "" || proto == "unknown-protocol" || localProtocols[proto]:
	case encryptedProtocols[proto] || bool(l.VPN):
		p["encrypted"] = "true"
	default:
		p["encrypted"] = "false"
	}
	switch authn := norm(string(l.Authentication)); authn {
	case "":
	case "none":
		p["authenticates_source"] = "false"
	default:
		p["authenticates_source"] = "true"
		if authn == "client-certificate" && p["encrypted"] == "true" {
			p["mutual_tls"] = "true"
		}
	}
	switch norm(string(l.Authorization)) {
	case "":
	case "enduser-identity-propagation", "end-user-identity-propagation":
		p["end_user_context"] = "true"
	default:
		p["end_user_context"] = "false"
	}
	// Threagile's internet flag says an asset is on, or reachable from, the
	// Internet. A link crosses it when it comes from a client or outside
	// party out there, or goes out to such a party; between an
	// Internet-facing server and the services behind it, it does not.
	if !bool(l.VPN) && !localProtocols[proto] && (onInternet(&src) || onInternet(dst) && norm(string(dst.Type)) == "external-entity") {
		p["public_network"] = "true"
	}
	for key, v := range map[string]text{"authentication": l.Authentication, "authorization": l.Authorization, "usage": l.Usage} {
		if s := norm(string(v)); s != "" {
			p["threagile:"+key] = s
		}
	}
	for key, v := range map[string]flag{"vpn": l.VPN, "ip_filtered": l.IPFiltered, "readonly": l.Readonly} {
		p["threagile:"+key] = fmt.Sprint(bool(v))
	}
	if tags := lenient.Texts(l.Tags); len(tags) > 0 {
		p["threagile:tags"] = strings.Join(tags, ", ")
	}
	if recv := lenient.Texts(l.Received); len(recv) > 0 {
		p["threagile:data_assets_received"] = strings.Join(recv, ", ")
	}
}

// onInternet tells whether an asset sits out on the Internet: an outside
// party, or a client that people use, flagged internet.
func onInternet(a *technicalAsset) bool {
	if a == nil || a.Internet == nil || !bool(*a.Internet) {
		return false
	}
	return norm(string(a.Type)) == "external-entity" || humanClient(a) != "" || bool(a.OutOfScope)
}

// runtimes records, on each technical asset, the shared runtime it runs
// on: Rampart has no element for one.
func (r *reader) runtimes() {
	for _, title := range slices.Sorted(maps.Keys(r.doc.Runtimes)) {
		for _, id := range lenient.Texts(r.doc.Runtimes[title].Running) {
			if e := r.m.Elements[id]; e != nil && e.Kind.IsNode() {
				e.Props["threagile:shared_runtime"] = strings.TrimSpace(title)
			} else {
				r.note("shared runtime %q runs %q, which is not a technical asset in the model", title, id)
			}
		}
	}
}
