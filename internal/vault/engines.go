package vault

import "context"

// KeyExists reports whether the Transit engine at mount has the key.
func (f Transit) KeyExists(ctx context.Context, mount, name string) (bool, error) {
	c := f.c
	_, err := c.read(ctx, "read transit key", mount+"/keys/"+name)
	return exists(err)
}

// CreateKey creates a non-exportable Transit key.
func (f Transit) CreateKey(ctx context.Context, mount, name string) error {
	c := f.c
	_, err := c.write(ctx, "create transit key", mount+"/keys/"+name, map[string]interface{}{
		"type": "aes256-gcm96", "exportable": false, "allow_plaintext_backup": false,
	})
	return err
}

// exists turns a read's error into a yes/no, passing other errors on.
func exists(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}

// DeleteKey deletes a Transit key (allowing its deletion first):
// every HMAC made with it can no longer be recomputed or checked. A
// delete that failed because the key is already gone (an earlier try
// whose answer was lost, then resent) counts as done.
func (f Transit) DeleteKey(ctx context.Context, mount, name string) error {
	c := f.c
	if _, err := c.write(ctx, "allow deleting transit key", mount+"/keys/"+name+"/config", map[string]interface{}{"deletion_allowed": true}); err != nil {
		return err
	}
	err := c.remove(ctx, "delete transit key", mount+"/keys/"+name)
	if err == nil {
		return nil
	}
	if still, lookErr := c.Transit().KeyExists(ctx, mount, name); lookErr == nil && !still {
		return nil
	}
	return err
}
