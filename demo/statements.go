package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// statementShare is how many signatories explain why they sign.
const statementShare = 0.75

// writeStatement composes a "why I sign" text in Markdown: one to three
// short paragraphs made of an opening line, general sentences and claims,
// sometimes a list, a closing line or a link.
func writeStatement(r *rand.Rand, lang string, org bool, v *textVars) string {
	vc := voices[lang]
	w := statementWriter{r: r, vc: vc, v: v}

	nParas := 1
	switch x := r.Float64(); {
	case x > 0.85:
		nParas = 3
	case x > 0.5:
		nParas = 2
	}

	open, claims := vc.personOpen, vc.claimPerson
	listIntro := vc.listIntroPerson
	if org {
		open, claims, listIntro = vc.orgOpen, vc.claimOrg, vc.listIntroOrg
	}
	w.claims = claims

	var paras []string
	extra := 0
	switch x := r.Float64(); {
	case x > 0.8:
		extra = 2
	case x > 0.35:
		extra = 1
	}
	paras = append(paras, w.sentences(w.fresh(open), extra))

	lastIsList := false
	if nParas >= 2 {
		if len(vc.listItems) >= 3 && chance(r, 0.25) {
			paras = append(paras, w.list(oneOf(r, listIntro)))
			lastIsList = true
		} else {
			paras = append(paras, w.sentences("", 1+r.IntN(3)))
		}
	}
	switch {
	case nParas == 3 && chance(r, 0.35):
		paras = append(paras, w.link())
	case nParas == 3:
		paras = append(paras, w.fresh(vc.closers))
	case chance(r, 0.12):
		paras = append(paras, w.link())
	case chance(r, 0.3):
		closer := w.fresh(vc.closers)
		if lastIsList {
			paras = append(paras, closer)
		} else {
			paras[len(paras)-1] += " " + closer
		}
	}
	return strings.Join(paras, "\n\n")
}

// statementWriter remembers what it already wrote, so that a text never
// repeats a sentence.
type statementWriter struct {
	r      *rand.Rand
	vc     *voice
	v      *textVars
	claims []string
	used   []string // sentences and claim objects already written
	framed bool     // a claim already used a frame
}

// fresh renders an unused entry of list (or a used one, after a few tries).
func (w *statementWriter) fresh(list []string) string {
	var s string
	for range 4 {
		s = oneOf(w.r, list)
		if !slices.Contains(w.used, s) {
			break
		}
	}
	w.used = append(w.used, s)
	return renderString(s, w.v)
}

// sentences appends n general sentences to first, half of them built claims.
func (w *statementWriter) sentences(first string, n int) string {
	parts := make([]string, 0, n+1)
	if first != "" {
		parts = append(parts, first)
	}
	for range n {
		if chance(w.r, 0.45) {
			parts = append(parts, w.claim())
		} else {
			parts = append(parts, w.fresh(w.vc.body))
		}
	}
	return strings.Join(parts, " ")
}

// claim combines subject, verb and object into a sentence. The first claim
// of a text may come in any of the voice's frames ("I believe that ..."),
// later ones stand alone, and no verb or object is used twice.
func (w *statementWriter) claim() string {
	verbs := oneOf(w.r, w.vc.verbs)
	for try := 0; try < 4 && slices.Contains(w.used, verbs); try++ {
		verbs = oneOf(w.r, w.vc.verbs)
	}
	w.used = append(w.used, verbs)
	verb, particle, _ := strings.Cut(verbs, "|")
	object := oneOf(w.r, w.vc.objects)
	for try := 0; try < 4 && slices.Contains(w.used, object); try++ {
		object = oneOf(w.r, w.vc.objects)
	}
	w.used = append(w.used, object)
	c := oneOf(w.r, w.vc.subjects) + " " + verb + " " + object
	if particle != "" {
		c += " " + particle
	}
	w.v.claim = c
	frame := "{Claim}."
	if !w.framed {
		frame = oneOf(w.r, w.claims)
		w.framed = true
	}
	return renderString(frame, w.v)
}

func (w *statementWriter) list(intro string) string {
	n := 3 + w.r.IntN(2)
	items := w.r.Perm(len(w.vc.listItems))[:min(n, len(w.vc.listItems))]
	var b strings.Builder
	b.WriteString(intro)
	for _, k := range items {
		item := w.vc.listItems[k]
		if chance(w.r, 0.12) {
			item = "*" + item + "*"
		}
		b.WriteString("\n- ")
		b.WriteString(item)
	}
	return b.String()
}

func (w *statementWriter) link() string {
	return w.fresh(w.vc.links)
}

// commentShare is how many endorsements carry a comment.
const commentShare = 0.5

// writeComment composes the short Markdown comment of an endorsement about
// v.name; it may be empty.
func writeComment(r *rand.Rand, lang string, toOrg bool, v *textVars) string {
	if !chance(r, commentShare) {
		return ""
	}
	vc := voices[lang]
	if vc == nil || len(vc.commentAny) == 0 {
		vc = voices["en"]
	}
	specific := vc.commentPerson
	if toOrg {
		specific = vc.commentOrg
	}
	first := oneOf(r, vc.commentAny)
	if len(specific) > 0 && chance(r, 0.65) {
		first = oneOf(r, specific)
	}
	s := renderString(first, v)
	if chance(r, 0.2) {
		if second := oneOf(r, vc.commentAny); second != first {
			s += " " + second
		}
	}
	return s
}
