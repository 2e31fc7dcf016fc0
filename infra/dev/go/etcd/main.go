// etcd server: go.etcd.io/etcd's root module has replace directives, so `go install` of it fails;
// this module depends on the server module alone and calls the same entry point as upstream's main.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
