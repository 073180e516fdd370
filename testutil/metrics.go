package testutil

import (
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Samples are the values of a Prometheus text exposition, keyed by the series as Prometheus
// writes it: name{label="value",…} with the labels in name order, or the bare name. Histograms
// appear as their name_count and name_sum series.
type Samples map[string]float64

// Series names one series: Series("x_total", "kind", "a") is `x_total{kind="a"}`.
func Series(name string, labels ...string) string {
	if len(labels) == 0 {
		return name
	}
	pairs := make([]string, 0, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		pairs = append(pairs, labels[i]+`="`+labels[i+1]+`"`)
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// Has tells whether a series of that family name is present, whatever its labels.
func (s Samples) Has(name string) bool {
	for k := range s {
		if k == name || strings.HasPrefix(k, name+"{") {
			return true
		}
	}
	return false
}

// ParseMetrics reads a text exposition, failing the test when it does not parse.
func ParseMetrics(t testing.TB, r io.Reader) Samples {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("the metrics do not parse: %v", err)
	}
	out := Samples{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName(), l.GetValue())
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[Series(name, labels...)] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[Series(name, labels...)] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[Series(name+"_count", labels...)] = float64(m.GetHistogram().GetSampleCount())
				out[Series(name+"_sum", labels...)] = m.GetHistogram().GetSampleSum()
			default:
				out[Series(name, labels...)] = m.GetUntyped().GetValue()
			}
		}
	}
	return out
}

// Scrape fetches url (with the given Authorization header when not empty) and parses it,
// failing the test unless it answers 200.
func Scrape(t testing.TB, url, authorization string) Samples {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return ParseMetrics(t, res.Body)
}
