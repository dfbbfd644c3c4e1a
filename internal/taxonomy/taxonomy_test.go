package taxonomy

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestLabelsAreNFCAndCodesUnique(t *testing.T) {
	for name, list := range map[string][]Entry{"topics": Topics(), "areas": Areas(), "audiences": Audiences(), "priorities": Priorities()} {
		seen := map[string]bool{}
		for _, e := range list {
			if seen[e.Code] {
				t.Errorf("%s: duplicate code %q", name, e.Code)
			}
			seen[e.Code] = true
			if !norm.NFC.IsNormalString(e.Label) {
				t.Errorf("%s: label of %q is not NFC", name, e.Code)
			}
			if e.Label == "" {
				t.Errorf("%s: %q has no label", name, e.Code)
			}
		}
	}
	if len(Topics()) != 7 || len(Areas()) != 6 || len(Audiences()) != 3 {
		t.Fatalf("taxonomy sizes changed: %d topics, %d areas, %d audiences", len(Topics()), len(Areas()), len(Audiences()))
	}
	if !Known(Audiences(), DefaultAudience) {
		t.Fatal("default audience unknown")
	}
}
