package picker

import (
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// state is where the model is: in the list, or at a point of the walk.
type state int

const (
	stateList     state = iota // filtering and choosing
	stateOpening               // reading the picked credential's values
	stateCopying               // putting the current value on the clipboard
	stateWaiting               // the value is on the clipboard; waiting for Enter
	stateChecking              // checking the clipboard still holds the value
	stateEnded                 // the session is over; the program is quitting
)

// codeStep names the walk's last step, the TOTP code.
const codeStep = "code"

// errNothing is the failure of a picked credential with nothing to copy.
var errNothing = errors.New("nothing to copy: the credential has no login, password or TOTP key")

// Model is the picker: a tea.Model. Its zero value is not usable; make
// one with New.
type Model struct {
	entries []Entry
	funcs   Funcs

	// the list
	query   string
	matches []int // indices into entries, best first
	cursor  int   // index into matches
	offset  int   // first match shown
	width   int
	height  int

	// the walk
	state   state
	entry   Entry
	steps   []Field // the values to copy; the code step's value is the current code
	code    func() (string, int, error)
	step    int    // index into steps
	onClip  string // the value last put on the clipboard (or being put)
	copied  []string
	period  int   // the code's period in seconds
	counter int64 // the code's time step: Unix time / period
	now     time.Time
	ticks   int  // the generation of the running ticker
	rolling bool // a new code is replacing the old one
	queued  bool // Enter was pressed before the value was confirmed

	// after schedules a tick: tea.Tick; tests replace it.
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	result Result
}

// New returns a picker over entries, which it shows in their order when
// nothing is typed.
func New(entries []Entry, funcs Funcs) Model {
	if funcs.Now == nil {
		funcs.Now = time.Now
	}
	m := Model{entries: entries, funcs: funcs, after: tea.Tick}
	m.refilter()
	return m
}

// Result is how the session ended; meaningful once the program has quit.
func (m Model) Result() Result { return m.result }

// Init starts nothing: the list waits for keys.
func (m Model) Init() tea.Cmd { return nil }

// The messages the model's commands send back.
type (
	openedMsg struct {
		walk Walk
		err  error
	}
	copiedMsg struct {
		step int
		err  error
	}
	checkedMsg struct {
		step     int
		held     bool
		err      error
		rollover bool // checked before a new code replaces the old one
	}
	codeMsg struct {
		code   string
		period int
		at     time.Time
		err    error
	}
	tickMsg struct{ gen int }
)

// Update handles a key, a window size or a command's result.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.state == stateEnded {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.scroll()
		return m, nil
	case tea.KeyPressMsg:
		if m.state == stateList {
			return m.listKey(msg)
		}
		return m.walkKey(msg)
	case tea.PasteMsg:
		if m.state == stateList {
			m.setQuery(m.query + oneLine(msg.Content))
		}
		return m, nil
	case openedMsg:
		return m.opened(msg)
	case codeMsg:
		return m.gotCode(msg)
	case copiedMsg:
		return m.gotCopied(msg)
	case checkedMsg:
		return m.gotChecked(msg)
	case tickMsg:
		return m.tick(msg)
	}
	return m, nil
}

// listKey handles a key in the list.
func (m Model) listKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, keys().Quit):
		return m.quit()
	case key.Matches(k, keys().Up):
		m.move(-1)
	case key.Matches(k, keys().Down):
		m.move(1)
	case key.Matches(k, keys().PageUp):
		m.move(-m.rows())
	case key.Matches(k, keys().PageDown):
		m.move(m.rows())
	case key.Matches(k, keys().Clear):
		m.setQuery("")
	case key.Matches(k, keys().Pick):
		return m.pick()
	case k.Code == tea.KeyBackspace:
		if r := []rune(m.query); len(r) > 0 {
			m.setQuery(string(r[:len(r)-1]))
		}
	case k.Text != "" && k.Mod&^tea.ModShift == 0:
		m.setQuery(m.query + k.Text)
	}
	return m, nil
}

// walkKey handles a key during the walk: Enter when a value is on the
// clipboard, and quitting at any point.
func (m Model) walkKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, keys().Stop):
		return m.quit()
	case key.Matches(k, keys().Pasted) && m.state == stateWaiting:
		m.state = stateChecking
		return m, m.check(false)
	case key.Matches(k, keys().Pasted) && (m.state == stateCopying || m.rolling):
		// pasted before the copy was confirmed, or the old code pasted as
		// the new one replaced it: checked once the value is confirmed
		m.queued = true
	}
	return m, nil
}

// pick starts the walk with the selected entry.
func (m Model) pick() (tea.Model, tea.Cmd) {
	if len(m.matches) == 0 {
		return m, nil
	}
	m.entry = m.entries[m.matches[m.cursor]]
	m.result.Entry = m.entry
	m.state = stateOpening
	open, entry := m.funcs.Open, m.entry
	return m, func() tea.Msg {
		w, err := open(entry)
		return openedMsg{w, err}
	}
}

// opened starts the first step once the credential's values are read.
func (m Model) opened(msg openedMsg) (tea.Model, tea.Cmd) {
	if m.state != stateOpening {
		return m, nil
	}
	if msg.err != nil {
		return m.fail(msg.err, false)
	}
	for _, f := range msg.walk.Fields {
		if f.Value != "" {
			m.steps = append(m.steps, f)
		}
	}
	if msg.walk.Code != nil {
		m.code = msg.walk.Code
		m.steps = append(m.steps, Field{Name: codeStep})
	}
	if len(m.steps) == 0 {
		return m.fail(errNothing, false)
	}
	return m.start(0)
}

// start begins step i, or ends the walk after the last step.
func (m Model) start(i int) (tea.Model, tea.Cmd) {
	if i == len(m.steps) {
		m.clearOwn()
		m.result.Outcome = Done
		m.result.Field = ""
		m.state = stateEnded
		return m, tea.Quit
	}
	m.step, m.state = i, stateCopying
	m.result.Field = m.steps[i].Name
	if m.steps[i].Name == codeStep && m.code != nil {
		return m, m.fetchCode()
	}
	return m, m.copy(m.steps[i].Value)
}

// fetchCode reads the current code. A code read across a time step's end
// may already be the old one: then it is read again.
func (m Model) fetchCode() tea.Cmd {
	code, now := m.code, m.funcs.Now
	return func() tea.Msg {
		for try := 0; ; try++ {
			before := now()
			c, period, err := code()
			after := now()
			if err != nil || period <= 0 || try == 1 || before.Unix()/int64(period) == after.Unix()/int64(period) {
				return codeMsg{c, period, after, err}
			}
		}
	}
}

// gotCode puts a fresh code on the clipboard.
func (m Model) gotCode(msg codeMsg) (tea.Model, tea.Cmd) {
	if m.state != stateCopying || m.steps[m.step].Name != codeStep {
		return m, nil
	}
	if msg.err != nil {
		return m.fail(msg.err, false)
	}
	if msg.period <= 0 {
		msg.period = 30
	}
	m.steps[m.step].Value = msg.code
	m.period, m.counter, m.now = msg.period, msg.at.Unix()/int64(msg.period), msg.at
	return m, m.copy(msg.code)
}

// copy puts value on the clipboard.
func (m *Model) copy(value string) tea.Cmd {
	m.onClip = value
	copyFn, step := m.funcs.Copy, m.step
	return func() tea.Msg { return copiedMsg{step, copyFn(value)} }
}

// gotCopied waits for the user once the value is on the clipboard; the
// code step starts its countdown.
func (m Model) gotCopied(msg copiedMsg) (tea.Model, tea.Cmd) {
	if m.state != stateCopying || msg.step != m.step {
		return m, nil
	}
	if msg.err != nil {
		return m.fail(msg.err, false)
	}
	m.state, m.rolling = stateWaiting, false
	var cmds []tea.Cmd
	if m.steps[m.step].Name == codeStep {
		m.ticks++
		cmds = append(cmds, m.nextTick())
	}
	if m.queued {
		m.queued = false
		m.state = stateChecking
		cmds = append(cmds, m.check(false))
	}
	return m, tea.Batch(cmds...)
}

// check asks whether the clipboard still holds the current value.
func (m Model) check(rollover bool) tea.Cmd {
	holds, value, step := m.funcs.Holds, m.onClip, m.step
	return func() tea.Msg {
		held, err := holds(value)
		return checkedMsg{step: step, held: held, err: err, rollover: rollover}
	}
}

// gotChecked moves on when the clipboard held the value, and stops the
// walk when it did not.
func (m Model) gotChecked(msg checkedMsg) (tea.Model, tea.Cmd) {
	if m.state != stateChecking || msg.step != m.step {
		return m, nil
	}
	switch {
	case msg.err != nil:
		return m.fail(msg.err, true)
	case !msg.held:
		m.funcs.Wipe()
		m.onClip = ""
		m.result.Outcome = Changed
		m.state = stateEnded
		return m, tea.Quit
	case msg.rollover:
		m.state = stateCopying
		return m, m.fetchCode()
	}
	m.copied = append(m.copied, m.steps[m.step].Name)
	m.result.Copied = append([]string(nil), m.copied...)
	return m.start(m.step + 1)
}

// nextTick schedules the countdown's next second.
func (m Model) nextTick() tea.Cmd {
	gen := m.ticks
	return m.after(time.Second, func(time.Time) tea.Msg { return tickMsg{gen} })
}

// tick updates the seconds left and, when the code's time step is over,
// checks the clipboard still holds the old code before the new one
// replaces it.
func (m Model) tick(msg tickMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.ticks || m.steps[m.step].Name != codeStep {
		return m, nil
	}
	m.now = m.funcs.Now()
	if m.state == stateWaiting && m.now.Unix()/int64(m.period) != m.counter {
		m.state, m.rolling = stateChecking, true
		return m, tea.Batch(m.check(true), m.nextTick())
	}
	return m, m.nextTick()
}

// quit ends the session at the user's wish, clearing the clipboard if it
// still holds what the walk put there.
func (m Model) quit() (tea.Model, tea.Cmd) {
	m.clearOwn()
	m.result.Outcome = Quit
	m.state = stateEnded
	return m, tea.Quit
}

// fail ends the session on an error. When the clipboard could not be read,
// wipe says to empty it whatever it holds.
func (m Model) fail(err error, wipe bool) (tea.Model, tea.Cmd) {
	if wipe {
		m.funcs.Wipe()
		m.onClip = ""
	} else {
		m.clearOwn()
	}
	m.result.Outcome, m.result.Err = Failed, err
	m.state = stateEnded
	return m, tea.Quit
}

// clearOwn clears the clipboard if it holds the value last put there.
func (m *Model) clearOwn() {
	if m.onClip != "" {
		m.funcs.Clear(m.onClip)
		m.onClip = ""
	}
}
