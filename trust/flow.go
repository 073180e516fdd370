package trust

// The flow network of one run: every member x reached from the seeds becomes x⁻ → x⁺ (capacity
// cap−1) and x⁻ → sink (capacity 1); every endorsement u → v becomes u⁺ → v⁻, and the root has
// an edge to every seed, both unbounded. Dinic's algorithm finds the maximum flow; a member is
// accepted when its sink edge carries flow.

const unbounded = int32(1 << 30)

type network struct {
	to, cap []int32   // arc target and residual capacity; arc^1 is the reverse arc
	out     [][]int32 // arcs leaving each node, in the order they were added
	level   []int32
	next    []int32 // current-arc position of each node in its out list
}

func (g *network) arc(u, v, c int32) {
	g.out[u] = append(g.out[u], int32(len(g.to)))
	g.to, g.cap = append(g.to, v), append(g.cap, c)
	g.out[v] = append(g.out[v], int32(len(g.to)))
	g.to, g.cap = append(g.to, u), append(g.cap, 0)
}

// maxFlow builds the network over the reached members (in breadth-first order) and returns the
// flow, marking the accepted members.
func maxFlow(n int, reached, seeds []int32, start, adj, capacity []int32, accepted []bool) int {
	m := int32(len(reached))
	if m == 0 {
		return 0
	}
	index := make([]int32, n)
	for i := range index {
		index[i] = -1
	}
	for k, u := range reached {
		index[u] = int32(k)
	}
	root, sink := 2*m, 2*m+1
	g := &network{out: make([][]int32, 2*m+2)}
	arcs := 0
	for _, u := range reached {
		arcs += 2 + int(start[u+1]-start[u])
	}
	g.to, g.cap = make([]int32, 0, 2*(arcs+len(seeds))), make([]int32, 0, 2*(arcs+len(seeds)))
	for _, s := range seeds {
		g.arc(root, 2*index[s], unbounded)
	}
	sinkArc := make([]int32, m)
	for k, u := range reached {
		minus, plus := 2*int32(k), 2*int32(k)+1
		if c := capacity[u] - 1; c > 0 {
			g.arc(minus, plus, c)
		}
		sinkArc[k] = int32(len(g.to))
		g.arc(minus, sink, 1)
		for _, v := range adj[start[u]:start[u+1]] {
			if iv := index[v]; iv >= 0 {
				g.arc(plus, 2*iv, unbounded)
			}
		}
	}
	g.level = make([]int32, 2*m+2)
	g.next = make([]int32, 2*m+2)
	flow := 0
	queue := make([]int32, 0, 2*m+2)
	for g.bfs(root, sink, queue) {
		for i := range g.next {
			g.next[i] = 0
		}
		for {
			f := g.dfs(root, sink, unbounded)
			if f == 0 {
				break
			}
			flow += int(f)
		}
	}
	for k, u := range reached {
		accepted[u] = g.cap[sinkArc[k]] == 0
	}
	return flow
}

// bfs levels the residual network; it reports whether the sink is reachable.
func (g *network) bfs(root, sink int32, queue []int32) bool {
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[root] = 0
	queue = append(queue[:0], root)
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, a := range g.out[u] {
			if v := g.to[a]; g.cap[a] > 0 && g.level[v] < 0 {
				g.level[v] = g.level[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return g.level[sink] >= 0
}

// dfs pushes one blocking path's worth of flow, resuming each node at its current arc.
func (g *network) dfs(u, sink, limit int32) int32 {
	if u == sink {
		return limit
	}
	arcs := g.out[u]
	for ; g.next[u] < int32(len(arcs)); g.next[u]++ {
		a := arcs[g.next[u]]
		v := g.to[a]
		if g.cap[a] <= 0 || g.level[v] != g.level[u]+1 {
			continue
		}
		if f := g.dfs(v, sink, min(limit, g.cap[a])); f > 0 {
			g.cap[a] -= f
			g.cap[a^1] += f
			return f
		}
	}
	return 0
}
