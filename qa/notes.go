package qa

// CopyNotes copies the free text of src into dst: Note, Photo, and the Note of
// each check and defect (by position; src and dst have the same checks and
// defects). It reports whether dst changed. Stores use it to change what
// people wrote in an inspection (package retention erases personal data in
// it) and nothing else of the record.
func CopyNotes(dst *Inspection, src *Inspection) bool {
	changed := dst.Note != src.Note || dst.Photo != src.Photo
	dst.Note, dst.Photo = src.Note, src.Photo
	for i := range min(len(dst.Checks), len(src.Checks)) {
		changed = changed || dst.Checks[i].Note != src.Checks[i].Note
		dst.Checks[i].Note = src.Checks[i].Note
	}
	for i := range min(len(dst.Defects), len(src.Defects)) {
		changed = changed || dst.Defects[i].Note != src.Defects[i].Note
		dst.Defects[i].Note = src.Defects[i].Note
	}
	return changed
}
