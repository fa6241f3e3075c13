// Package deploy holds no code: it is the deployment kit of a sellervault
// team's Vault, checked by its tests (README.md in this folder says what
// each file is for):
//
//	vault/single.hcl          one Vault server: Raft on disk, TLS
//	vault/cluster-node*.hcl   a 3-node Raft cluster with TLS
//	systemd/vault.service     the Vault server as a systemd service
//	systemd/sellervault-remind.service, .timer
//	                          the reminder job, weekdays at 09:00
//	logrotate/vault-audit     rotation of the file audit device's log
//
// The reverse proxy that sends clients to the active node and refuses
// encoded dot-segments is docs/reverse-proxy/haproxy.cfg (or nginx.conf
// there, for one node), tested in that folder.
//
// deploy_test.go parses each Vault configuration with Vault's own parser
// (github.com/hashicorp/vault/command/server), checks the units with
// systemd-analyze verify and runs the logrotate file with logrotate.
package deploy
