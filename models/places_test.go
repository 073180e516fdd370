package models_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func placeOf(t *testing.T, s *models.Store, publicID string) models.Signatory {
	t.Helper()
	var sg models.Signatory
	if err := s.DB.Where("public_id = ?", publicID).Take(&sg).Error; err != nil {
		t.Fatal(err)
	}
	return sg
}

func TestSigningAndEditingLocateTheEntry(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := testutil.Publish(s); err != nil {
			t.Fatal(err)
		}
		acc, sg := signUp(t, s, "wanda", models.Signatory{Kind: "person", Name: "Wanda", Country: "AT", City: "Wien"})
		vienna, _ := geo.FindCity("AT", "Vienna")
		got := placeOf(t, s, sg.PublicID)
		if got.PlaceID == nil || *got.PlaceID != vienna.ID || got.Lat == nil || *got.Lat != vienna.Lat {
			t.Fatalf("signed in Wien, stored %v %v", got.PlaceID, got.Lat)
		}
		// An administrator corrects the place; an edit that keeps the city keeps the correction.
		graz, _ := geo.FindCity("AT", "Graz")
		admin := models.Actor{Name: "cli"}
		if _, err := s.SetPlace(ctx, admin, sg.PublicID, "Graz"); err != nil {
			t.Fatal(err)
		}
		sg.Affiliation = "Volkshochschule"
		if _, err := s.UpdateEntry(ctx, &acc, sg); err != nil {
			t.Fatal(err)
		}
		if got := placeOf(t, s, sg.PublicID); got.PlaceID == nil || *got.PlaceID != graz.ID {
			t.Fatalf("the correction was lost: %v", got.PlaceID)
		}
		// A new city is located again; an unknown one falls back to the country.
		sg.City = "Salzburg"
		if _, err := s.UpdateEntry(ctx, &acc, sg); err != nil {
			t.Fatal(err)
		}
		salzburg, _ := geo.FindCity("AT", "Salzburg")
		if got := placeOf(t, s, sg.PublicID); got.PlaceID == nil || *got.PlaceID != salzburg.ID {
			t.Fatalf("moved to Salzburg, stored %v", got.PlaceID)
		}
		sg.City = "Kleinstdorf am Nirgendwo"
		if _, err := s.UpdateEntry(ctx, &acc, sg); err != nil {
			t.Fatal(err)
		}
		lat, lon, _ := geo.CountryAnchor("AT")
		if got := placeOf(t, s, sg.PublicID); got.PlaceID != nil || got.Lat == nil || *got.Lat != lat || *got.Lon != lon {
			t.Fatalf("an unknown city: %v %v", got.PlaceID, got.Lat)
		}
		// Bad corrections name the field and change nothing.
		for _, bad := range []string{"", "Atlantis", "3181928" /* Bologna, Italy */, "999999999"} {
			_, err := s.SetPlace(ctx, admin, sg.PublicID, bad)
			if models.ErrorCode(err) != models.EINVALID {
				t.Errorf("place %q: %v", bad, err)
			}
		}
		if got := placeOf(t, s, sg.PublicID); got.PlaceID != nil {
			t.Fatal("a refused correction changed the place")
		}
		// A deleted entry has no place, and gets none.
		if err := s.DeleteAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPlace(ctx, admin, sg.PublicID, "Graz"); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("a place for a deleted entry: %v", err)
		}
		if n, err := s.LocateMissing(ctx); err != nil || n != 0 {
			t.Fatalf("the backfill located %d (%v): a deleted entry got a place back", n, err)
		}
	})
}

func TestLocateMissingBackfillsOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		testutil.Load(t, s, `{"type":"signatory","ref":"a","kind":"person","name":"A","country":"IT","city":"Bologna","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"b","kind":"person","name":"B","country":"FR","city":"","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"c","kind":"person","name":"C","country":"DE","city":"Köln","signed_at":"2024-05-01T10:00:00Z"}`)
		// As a registry from before places stored them.
		if err := s.DB.Exec("UPDATE signatories SET place_id = NULL, lat = NULL, lon = NULL").Error; err != nil {
			t.Fatal(err)
		}
		n, err := s.LocateMissing(ctx)
		if err != nil || n != 3 {
			t.Fatalf("located %d (%v), want 3", n, err)
		}
		bologna, _ := geo.FindCity("IT", "Bologna")
		cologne, _ := geo.FindCity("DE", "Cologne")
		if got := placeOf(t, s, models.SignatoryID("fixture", "a")); got.PlaceID == nil || *got.PlaceID != bologna.ID {
			t.Fatalf("Bologna: %v", got.PlaceID)
		}
		if got := placeOf(t, s, models.SignatoryID("fixture", "c")); got.PlaceID == nil || *got.PlaceID != cologne.ID {
			t.Fatalf("Köln: %v", got.PlaceID)
		}
		if got := placeOf(t, s, models.SignatoryID("fixture", "b")); got.PlaceID != nil || got.Lat == nil {
			t.Fatalf("no city: %v %v", got.PlaceID, got.Lat)
		}
		if n, err := s.LocateMissing(ctx); err != nil || n != 0 {
			t.Fatalf("second run located %d (%v)", n, err)
		}
	})
}

func TestImportedPlacesAreCheckedAgainstTheGazetteer(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		bologna, _ := geo.FindCity("IT", "Bologna")
		caen, _ := geo.FindCity("FR", "Caen")
		testutil.Load(t, s, `{"type":"signatory","ref":"kept","kind":"person","name":"K","country":"IT","city":"Bologna","place_id":`+strconv.FormatInt(bologna.ID, 10)+`,"lat":44.5,"lon":11.3,"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"elsewhere","kind":"person","name":"E","country":"FR","city":"Caen","place_id":`+strconv.FormatInt(bologna.ID, 10)+`,"lat":44.5,"lon":11.3,"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"half","kind":"person","name":"H","country":"FR","city":"Caen","lat":44.5,"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"unknown","kind":"person","name":"U","country":"FR","city":"Caen","place_id":999999999,"lat":49.2,"lon":-0.4,"signed_at":"2024-05-01T10:00:00Z"}`)
		// A dump's place stands when it is one the registry can show (an administrator may
		// have set it); any other is worked out from country and city.
		if got := placeOf(t, s, models.SignatoryID("fixture", "kept")); got.PlaceID == nil || *got.PlaceID != bologna.ID || *got.Lat != 44.5 {
			t.Fatalf("a valid place was not kept: %v %v", got.PlaceID, got.Lat)
		}
		for _, ref := range []string{"elsewhere", "half", "unknown"} {
			if got := placeOf(t, s, models.SignatoryID("fixture", ref)); got.PlaceID == nil || *got.PlaceID != caen.ID || *got.Lat != caen.Lat {
				t.Errorf("%s: placed at %v %v, want Caen", ref, got.PlaceID, got.Lat)
			}
		}
	})
}
