package models_test

import (
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A member's network page and the download of their data look the audit log up by subject and
// by actor; each has its index, so that neither reads the whole log.
func TestAuditLogIsLookedUpByIndex(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		if s.Dialect == models.Postgres {
			var names []string
			s.DB.Raw("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_log' AND schemaname = current_schema() ORDER BY indexname").Scan(&names)
			if strings.Join(names, ",") != "audit_log_actor,audit_log_pkey,audit_log_subject" {
				t.Errorf("audit_log indexes: %v", names)
			}
			return
		}
		for query, index := range map[string]string{
			"SELECT id FROM audit_log WHERE subject_type = 'signatory' AND subject_id = 'x'": "audit_log_subject",
			"SELECT id FROM audit_log WHERE actor_account_id = 1":                            "audit_log_actor",
		} {
			var plan []struct{ Detail string }
			if err := s.DB.Raw("EXPLAIN QUERY PLAN " + query).Scan(&plan).Error; err != nil {
				t.Fatal(err)
			}
			if len(plan) == 0 || !strings.Contains(plan[0].Detail, index) {
				t.Errorf("%s: plan %+v, want it to use %s", query, plan, index)
			}
		}
	})
}
