package beater

import (
	"sync"

	"github.com/elastic/beats/v7/libbeat/beat"
)

// fakePipeline hands out fakeClients that record events and, when autoAck
// is set, acknowledge them as soon as they are published.
type fakePipeline struct {
	autoAck bool
	// beforeAck, if set, sees the events of every acknowledgement before
	// the listener does (a test's output drops some of them here).
	beforeAck func(events []beat.Event)

	mu      sync.Mutex
	clients []*fakeClient
}

func (p *fakePipeline) Connect() (beat.Client, error) { return p.ConnectWith(beat.ClientConfig{}) }

func (p *fakePipeline) ConnectWith(cfg beat.ClientConfig) (beat.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &fakeClient{cfg: cfg, autoAck: p.autoAck, beforeAck: p.beforeAck}
	p.clients = append(p.clients, c)
	return c, nil
}

// events returns every event published through any client.
func (p *fakePipeline) events() []beat.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	var all []beat.Event
	for _, c := range p.clients {
		c.mu.Lock()
		all = append(all, c.events...)
		c.mu.Unlock()
	}
	return all
}

// ackAll acknowledges every published and not yet acknowledged event.
func (p *fakePipeline) ackAll() {
	p.mu.Lock()
	clients := append([]*fakeClient(nil), p.clients...)
	p.mu.Unlock()
	for _, c := range clients {
		c.ack(-1)
	}
}

type fakeClient struct {
	cfg       beat.ClientConfig
	autoAck   bool
	beforeAck func(events []beat.Event)

	mu     sync.Mutex
	events []beat.Event
	acked  int
	closed bool
}

func (c *fakeClient) Publish(e beat.Event) { c.PublishAll([]beat.Event{e}) }

func (c *fakeClient) PublishAll(es []beat.Event) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	for _, e := range es {
		c.cfg.EventListener.AddEvent(e, true)
	}
	c.events = append(c.events, es...)
	c.mu.Unlock()
	if c.autoAck {
		c.ack(-1)
	}
}

// ack acknowledges the next n events (all outstanding when n < 0), in order.
func (c *fakeClient) ack(n int) {
	c.mu.Lock()
	outstanding := len(c.events) - c.acked
	if n < 0 || n > outstanding {
		n = outstanding
	}
	acking := c.events[c.acked : c.acked+n]
	c.acked += n
	c.mu.Unlock()
	if n > 0 && c.beforeAck != nil {
		c.beforeAck(acking)
	}
	if n > 0 {
		c.cfg.EventListener.ACKEvents(n)
	}
}

func (c *fakeClient) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}
