package picker

import (
	"sync"

	"charm.land/bubbles/v2/key"
)

// keyMap is the picker's keys, with the help line each state shows.
type keyMap struct {
	Up, Down, PageUp, PageDown key.Binding
	Pick, Clear, Quit          key.Binding
	Pasted, Stop               key.Binding
}

// keys is the picker's key map, made on first use rather than at every
// start of the CLI.
var keys = sync.OnceValue(func() *keyMap {
	return &keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/ctrl+p", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓/ctrl+n", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdown", "page down")),
		Pick:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick")),
		Clear:    key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear filter")),
		Quit:     key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "quit")),
		Pasted:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pasted: next")),
		Stop:     key.NewBinding(key.WithKeys("esc", "q", "ctrl+c"), key.WithHelp("esc/q", "quit and clear the clipboard")),
	}
})

// listHelp and walkHelp are the bindings the help line shows.
func listHelp() []key.Binding {
	k := keys()
	return []key.Binding{k.Up, k.Down, k.Pick, k.Clear, k.Quit}
}
func walkHelp() []key.Binding { k := keys(); return []key.Binding{k.Pasted, k.Stop} }
