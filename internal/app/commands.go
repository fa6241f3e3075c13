package app

import "github.com/urfave/cli/v2"

// commands is sellervault's command table.
func commands(env *Env) []*cli.Command {
	return []*cli.Command{
		initCommand(env),
		statusCommand(env),
		storeCommand(env),
		credCommand(env),
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
		loginCommand(env),
		clipboardClearCommand(env),
		completionCommand(env),
		helpCommand(env),
	}
}
