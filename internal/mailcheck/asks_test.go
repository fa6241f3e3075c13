package mailcheck

import (
	"strings"
	"testing"
)

func TestFindRequests(t *testing.T) {
	cases := []struct {
		text string
		want string // kinds, comma-separated
	}{
		// passwords
		{"Please confirm your Seller Central password below.", "password"},
		{"Reply to this message with your login credentials.", "password"},
		{"Send us your passwords so we can restore the account.", "password"},
		{"请回复您的登录密码以恢复账户。", "password"},
		{"We will send a password reset link to your email.", ""},
		{"Amazon will never ask you to provide your password.", ""},
		{"Never share your password with anyone.", ""},
		{"You can reset your password in Seller Central.", ""},
		{"If you did not request this change, confirm your password here.", "password"},
		// codes
		{"Tell us the verification code you received by SMS.", "code"},
		{"Please forward the 2-step code to our agent", "code"},
		{"Send the OTP to this address.", "code"},
		{"请将您收到的短信验证码发给我们的客服专员。", "code"},
		{"请提供您的动态码。", "code"},
		{"Your verification code is 123456. Do not share this code with anyone.", ""},
		{"We will send you a verification code.", ""},
		{"We'll send a security code to your phone when you sign in.", ""},
		{"Enter the verification code on the sign-in page.", ""},
		{"您的验证码是 123456，请勿向任何人提供验证码。", ""},
		{"我们已发送验证码到您的手机。", ""},
		{"我们会向您发送验证码。", ""},
		// bank and payout details
		{"Update your deposit method within 24 hours to keep receiving disbursements.", "bank"},
		{"Kindly provide your IBAN and SWIFT code.", "bank"},
		{"请更新您的收款账户信息。", "bank"},
		{"亚马逊绝不会通过电子邮件要求您提供密码、验证码或银行账户信息。", ""},
		{"We have sent a disbursement to the bank account on file.", ""},
		// remote access
		{"Please download and install AnyDesk before the call.", "remote"},
		{"Our technician will connect with TeamViewer.", "remote"},
		{"Allow remote access so that our specialist can fix the listing.", "remote"},
		{"请下载并安装远程控制软件，以便专员协助您。", "remote"},
		{"请安装向日葵，客服会连接您的电脑。", "remote"},
		{"Amazon will never ask you to install AnyDesk or any remote access tool.", ""},
		{"向日葵花开了。", ""},
		// several at once, each once
		{"Confirm your password. Then send us the verification code. Then install AnyDesk. Then confirm your password again.", "password,code,remote"},
		// sentences end at a full stop and a blank line, not inside a domain
		{"Do not reply.\n\nReply with your password.", "password"},
		{"Visit sellercentral.amazon.com. Never reply with your password.", ""},
	}
	for _, tc := range cases {
		var got []string
		for _, r := range findRequests(tc.text) {
			got = append(got, r.Kind)
			if r.Phrase == "" || !strings.Contains(strings.Join(strings.Fields(tc.text), " "), strings.TrimSuffix(r.Phrase, "...")) {
				t.Errorf("%q: phrase %q is not from the text", tc.text, r.Phrase)
			}
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%q: %v, want %q", tc.text, got, tc.want)
		}
	}
}

// TestAskTable: every phrase of the table is read as words, and no verb
// or thing is listed twice in a row.
func TestAskTable(t *testing.T) {
	for _, row := range askTable {
		seen := map[string]bool{}
		for _, list := range []string{row.verbs, row.things, row.alone} {
			for _, p := range strings.Split(list, ",") {
				p = strings.TrimSpace(p)
				if p == "" && list != "" {
					t.Errorf("%s: an empty phrase", row.kind)
				}
				if seen[p] {
					t.Errorf("%s: %q listed twice", row.kind, p)
				}
				seen[p] = true
				if p != "" && len(tokenize(p)) == 0 {
					t.Errorf("%s: %q has no words", row.kind, p)
				}
			}
		}
	}
}

func TestPhraseCut(t *testing.T) {
	text := "Please reply to this email with your verification code " + strings.Repeat("x", 80)
	long := "please provide the " + strings.Repeat("very ", 3) + "verification code"
	for _, r := range findRequests(text + ". " + long) {
		if len(r.Phrase) > 60 {
			t.Errorf("phrase %q is longer than 60 bytes", r.Phrase)
		}
	}
}
