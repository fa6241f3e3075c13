package app

import (
	"github.com/urfave/cli/v2"
)

// noCommand is what `sellervault` with no arguments does: the picker
// (`sellervault open`) when stdin and stdout are a terminal and a token is
// at hand; the help otherwise, so that scripts, pipes and a newcomer who
// has not logged in yet see what they always saw. The root command's
// action (newApp) is to call it in place of cli.ShowAppHelp.
func noCommand(c *cli.Context, env *Env) error {
	if !env.onTerminal() {
		return cli.ShowAppHelp(c)
	}
	s, err := env.newSession(c)
	if err != nil {
		return err
	}
	if s.requireToken() != nil {
		return cli.ShowAppHelp(c)
	}
	return s.openPicker(c, s.conn.Repo(), openClearAfter)
}

// commands is sellervault's command table.
func commands(env *Env) []*cli.Command {
	return []*cli.Command{
		initCommand(env),
		statusCommand(env),
		storeCommand(env),
		credCommand(env),
		openCommand(env),
		emailCommand(env),
		phoneCommand(env),
		totpCommand(env),
		payoutCommand(env),
		staffCommand(env),
		rotationCommand(env),
		rotateCommand(env),
		checkCommand(env),
		backupCommand(env),
		restoreCommand(env),
		exportCommand(env),
		redactCommand(env),
		scanCommand(env),
		importCommand(env),
		auditCommand(env),
		incidentCommand(env),
		doctorCommand(env),
		loginCommand(env),
		clipboardClearCommand(env),
		completionCommand(env),
		helpCommand(env),
	}
}
