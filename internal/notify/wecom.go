package notify

// wecomPayload is a WeCom (WeChat Work) group robot's markdown message,
// whose content may be at most 4096 bytes.
func wecomPayload(m Message) []byte {
	return marshal(map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"content": m.Markdown(limitWeCom)},
	})
}
