package fold

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{"Zürich": "zurich", "MÜNCHEN": "munchen", "Saint-Étienne": "saint-etienne",
		"Αθήνα": "αθηνα", "Plain": "plain", "": ""} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
