package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong/api/auth"
)

func (h *handler) listUsers(c *fiber.Ctx) error {
	us, err := h.d.Auth.Users(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"users": us})
}

func (h *handler) createUser(c *fiber.Ctx) error {
	var n auth.NewUser
	if err := decodeJSON(c, &n); err != nil {
		return err
	}
	u, err := h.d.Auth.CreateUser(c.UserContext(), n)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (h *handler) updateUser(c *fiber.Ctx) error {
	var up auth.UserUpdate
	if err := decodeJSON(c, &up); err != nil {
		return err
	}
	u, err := h.d.Auth.UpdateUser(c.UserContext(), c.Params("username"), up)
	if err != nil {
		return err
	}
	return c.JSON(u)
}
