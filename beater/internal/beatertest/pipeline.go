// Package beatertest holds test doubles of libbeat for the tests of the
// beater packages: a publisher pipeline whose clients record the events
// published through them and acknowledge them when the test says so (or at
// once, with AutoAck), in order, as libbeat does; and a status reporter
// that records what it is told.
package beatertest

import (
	"sync"

	"github.com/elastic/beats/v7/libbeat/beat"
)

// Pipeline hands out Clients that record events and, when AutoAck is set,
// acknowledge them as soon as they are published.
type Pipeline struct {
	AutoAck bool
	// BeforeAck, if set, sees the events of every acknowledgement before
	// the listener does (a test's output drops some of them here).
	BeforeAck func(events []beat.Event)

	mu      sync.Mutex
	clients []*Client
	// openAtConnect is the number of open clients at every connection.
	openAtConnect []int
}

func (p *Pipeline) Connect() (beat.Client, error) { return p.ConnectWith(beat.ClientConfig{}) }

func (p *Pipeline) ConnectWith(cfg beat.ClientConfig) (beat.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	open := 0
	for _, c := range p.clients {
		if !c.Closed() {
			open++
		}
	}
	p.openAtConnect = append(p.openAtConnect, open)
	c := &Client{cfg: cfg, autoAck: p.AutoAck, beforeAck: p.BeforeAck}
	p.clients = append(p.clients, c)
	return c, nil
}

// Events returns every event published through any client.
func (p *Pipeline) Events() []beat.Event {
	var all []beat.Event
	for _, c := range p.Clients() {
		c.mu.Lock()
		all = append(all, c.events...)
		c.mu.Unlock()
	}
	return all
}

// Clients returns every client connected so far, in order.
func (p *Pipeline) Clients() []*Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Client(nil), p.clients...)
}

// Client returns the i-th client connected.
func (p *Pipeline) Client(i int) *Client { return p.Clients()[i] }

// OpenAtConnect returns, for every connection so far, how many clients
// were open (connected and not closed) when it was made.
func (p *Pipeline) OpenAtConnect() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.openAtConnect...)
}

// AckAll acknowledges every published and not yet acknowledged event.
func (p *Pipeline) AckAll() {
	for _, c := range p.Clients() {
		c.Ack(-1)
	}
}

// Client is a pipeline client of Pipeline.
type Client struct {
	cfg       beat.ClientConfig
	autoAck   bool
	beforeAck func(events []beat.Event)

	mu     sync.Mutex
	events []beat.Event
	acked  int
	closed bool
}

// Events returns the events published through the client, in order.
func (c *Client) Events() []beat.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]beat.Event(nil), c.events...)
}

// Config is the configuration the client was connected with.
func (c *Client) Config() beat.ClientConfig { return c.cfg }

// SetBeforeAck replaces the client's BeforeAck (see Pipeline).
func (c *Client) SetBeforeAck(fn func(events []beat.Event)) {
	c.mu.Lock()
	c.beforeAck = fn
	c.mu.Unlock()
}

func (c *Client) Publish(e beat.Event) { c.PublishAll([]beat.Event{e}) }

func (c *Client) PublishAll(es []beat.Event) {
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
		c.Ack(-1)
	}
}

// Ack acknowledges the next n events (all outstanding when n < 0), in
// order. Like libbeat's queue, it acknowledges events published before
// Close after Close too.
func (c *Client) Ack(n int) {
	c.mu.Lock()
	outstanding := len(c.events) - c.acked
	if n < 0 || n > outstanding {
		n = outstanding
	}
	acking := c.events[c.acked : c.acked+n]
	c.acked += n
	before := c.beforeAck
	c.mu.Unlock()
	if n > 0 && before != nil {
		before(acking)
	}
	if n > 0 {
		c.cfg.EventListener.ACKEvents(n)
	}
}

func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}

// Closed reports whether Close was called.
func (c *Client) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
