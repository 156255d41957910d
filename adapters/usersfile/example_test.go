package usersfile_test

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/f0fce437/callrec/adapters/usersfile"
)

func ExampleParse() {
	hash, _ := bcrypt.GenerateFromPassword([]byte("alice-secret"), bcrypt.MinCost)
	users, err := usersfile.Parse(strings.NewReader(`{"users":[{"name":"alice","display_name":"Alice A","role":"user",` +
		`"password_bcrypt":"` + string(hash) + `","groups":["sales"],"devices":["alice-phone"]}]}`))
	if err != nil {
		panic(err)
	}
	u, ok := users.Authenticate("alice", "alice-secret")
	fmt.Println(u.DisplayName, ok)
	owner, _ := users.ByDevice("alice-phone")
	fmt.Println(owner.Name)
	// Output:
	// Alice A true
	// alice
}
