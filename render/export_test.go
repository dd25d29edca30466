package render

// ResetGraphviz drops the shared graphviz instance, so a benchmark can
// measure the first drawing after start.
func ResetGraphviz() {
	gvMu.Lock()
	defer gvMu.Unlock()
	if gvInst != nil {
		gvInst.Close()
		gvInst = nil
	}
}
