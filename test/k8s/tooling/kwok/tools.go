//go:build tools

// The program that scripts/setup-k8s-peers.sh builds; importing it here keeps its modules in go.mod and go.sum.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
