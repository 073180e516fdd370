package demo

import (
	"testing"
	"time"
)

func TestDenseTiming(t *testing.T) {
	for _, c := range [][2]int{{1000, 330000}, {1000, 333000}, {300, 29800}, {3000, 2000000}} {
		start := time.Now()
		r := generate(t, c[0], c[1], 1)
		t.Logf("N=%d M=%d got %d in %v", c[0], c[1], len(r.ends), time.Since(start))
	}
}

func TestAnyFreeCount(t *testing.T) {
	anyFreeCalls = 0
	generate(t, 100000, 1000000, 1)
	t.Logf("anyFree calls: %d", anyFreeCalls)
	anyFreeCalls = 0
	generate(t, 20000, 200000, 1)
	t.Logf("anyFree calls: %d", anyFreeCalls)
}
