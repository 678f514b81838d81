package auth

import (
	"slices"

	"github.com/phusong/phusong"
)

// Policy says who may call a route. Every route declares one; the API
// refuses to register a route without it, and the authorization matrix
// test is generated from the same table.
type Policy struct {
	Name   string         // shown in the matrix and in 403 details
	Public bool           // no login needed
	Roles  []phusong.Role // roles allowed when not Public
}

// Public is the policy of routes anyone may call (health, login, the page).
var Public = Policy{Name: "public", Public: true}

// Allow returns a policy admitting exactly the given roles.
func Allow(name string, roles ...phusong.Role) Policy {
	return Policy{Name: name, Roles: roles}
}

// Common policies.
var (
	AnyUser     = Allow("any_user", phusong.Roles...)
	Admins      = Allow("admin", phusong.RoleAdmin)
	Reviewers   = Allow("reviewer", phusong.RoleReviewer, phusong.RoleAdmin)
	Provinces   = Allow("province", phusong.RoleProvince)
	Submitters  = Allow("submitter", phusong.RoleProvince, phusong.RoleReviewer, phusong.RoleAdmin)
	SurveyRead  = Allow("survey_read", phusong.RoleProvince, phusong.RoleReviewer, phusong.RoleAdmin)
	OperatorsOn = Allow("operator", phusong.RoleOperator)
)

// Admits reports whether an actor (nil when anonymous) may call a route
// under p. It is the one authorization decision of the API.
func (p Policy) Admits(a *phusong.Actor) bool {
	if p.Public {
		return true
	}
	if a == nil {
		return false
	}
	return slices.Contains(p.Roles, a.Role)
}
