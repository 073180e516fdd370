package models

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/open-recognition/registry/trust"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TierSchedule is the capacity schedule in force: the tables the latest computation used, the
// sizes they were scaled to (0 for a table set by the operator), what that computation lifted
// (the size the next one follows) and the graph version it read. The tier criteria page and the
// published graph state it, so that anyone can compute the tiers again.
type TierSchedule struct {
	Advocate       []int        `json:"advocate"`
	Ambassador     []int        `json:"ambassador"`
	AdvocateSize   int          `json:"advocate_size"`
	AmbassadorSize int          `json:"ambassador_size"`
	Lifted         trust.Lifted `json:"lifted"`
	Version        string       `json:"graph_version"`
}

const tierScheduleKey = "tier_schedule"

// TierSchedule returns the schedule the latest computation recorded, nil before the first.
func (s *Store) TierSchedule(ctx context.Context) (*TierSchedule, error) {
	v, ok, err := s.Setting(ctx, tierScheduleKey)
	if err != nil || !ok {
		return nil, err
	}
	var sched TierSchedule
	if err := json.Unmarshal([]byte(v), &sched); err != nil {
		return nil, fmt.Errorf("the recorded capacity schedule (settings.tier_schedule) is unreadable: %w", err)
	}
	return &sched, nil
}

func saveTierSchedule(tx *gorm.DB, sched *TierSchedule) error {
	b, err := json.Marshal(sched)
	if err != nil {
		return err
	}
	return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&setting{Key: tierScheduleKey, Value: string(b)}).Error
}
