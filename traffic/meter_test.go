package traffic

import (
	"testing"
	"time"
)

func TestMeterIdleAndLoad(t *testing.T) {
	clock := time.Unix(1000, 0)
	m := &Meter{Now: func() time.Time { return clock }}
	if !m.Idle() {
		t.Fatal("a new meter is not idle")
	}
	m.Load() // the first reading starts the measure
	end := m.Begin()
	if m.Idle() {
		t.Fatal("idle while a request is in flight")
	}
	clock = clock.Add(100 * time.Millisecond)
	end()
	if m.Idle() {
		t.Fatal("idle right after a request")
	}
	clock = clock.Add(100 * time.Millisecond)
	// 100 ms of requests in 200 ms, spread over GOMAXPROCS cores.
	load := m.Load()
	if load <= 0 || load > 0.5 {
		t.Errorf("load %.3f, want 0.5 divided by the cores", load)
	}
	if again := m.Load(); again != 0 {
		t.Errorf("load %.3f with no request since the last reading, want 0", again)
	}
	clock = clock.Add(2 * time.Second)
	if !m.Idle() {
		t.Error("not idle two seconds after the last request")
	}
	var none *Meter
	none.Begin()()
	if !none.Idle() || none.Load() != 0 {
		t.Error("a nil meter should read as an idle server")
	}
}
