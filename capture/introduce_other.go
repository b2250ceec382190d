//go:build !unix || darwin

package capture

import "context"

// IntroducePortal does nothing where there is no xdg-desktop-portal.
func IntroducePortal(ctx context.Context) {}
