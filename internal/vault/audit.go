package vault

import "context"

// Entity is an identity entity as the audit report needs it: who, and
// whether they are locked out.
type Entity struct {
	ID       string
	Name     string
	Disabled bool
}

// EntityByName reads an identity entity by name; a missing one is
// ErrNotFound.
func (f Identity) EntityByName(ctx context.Context, name string) (*Entity, error) {
	c := f.c
	return c.entity(ctx, "identity/entity/name/"+name)
}

// EntityByID reads an identity entity by ID; a missing one is ErrNotFound.
func (f Identity) EntityByID(ctx context.Context, id string) (*Entity, error) {
	c := f.c
	return c.entity(ctx, "identity/entity/id/"+id)
}

func (c *Client) entity(ctx context.Context, path string) (*Entity, error) {
	data, err := c.read(ctx, "read identity entity", path)
	if err != nil {
		return nil, err
	}
	return &Entity{ID: str(data, "id"), Name: str(data, "name"), Disabled: boolean(data, "disabled")}, nil
}
