// Package serve starts a real `phusong serve` for the whole-system bench
// programs and logs into it, the way a user's script would.
package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Start runs `bin serve` over dbURL on a free loopback port, its output in
// logPath (none when empty), and waits until /readyz answers 200 with its
// tile snapshots built. stop
// calls beforeStop (may be nil) with the server's pid, then ends it
// (SIGTERM, then SIGKILL after 20 s).
func Start(bin, dbURL, logPath string, beforeStop func(pid int)) (base string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--demo", "no", "--cookie-secure=false", "--log-format", "json")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	if logPath != "" {
		f, err := os.Create(logPath)
		if err != nil {
			return "", nil, err
		}
		defer f.Close()
		cmd.Stdout, cmd.Stderr = f, f
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		if beforeStop != nil {
			beforeStop(cmd.Process.Pid)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	base = "http://" + addr
	deadline := time.Now().Add(120 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			var ready struct {
				TilesWarm bool `json:"tiles_warm"`
			}
			err = json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
			// Ready, and done with its start-up reads (the tile snapshots),
			// so they do not run beside the measurements.
			if resp.StatusCode == http.StatusOK && err == nil && ready.TilesWarm {
				return base, stop, nil
			}
		}
		select {
		case <-done:
			return "", nil, errors.New("phusong serve exited (see -server-log)")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, errors.New("phusong serve not ready after 120 s")
		}
	}
}

// Login opens a session as user and trades it for an API token.
func Login(c *http.Client, base, user, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	resp, err := c.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&sess)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil {
		return "", fmt.Errorf("login: HTTP %d %v", resp.StatusCode, err)
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "phusong_session" {
			cookie = ck
		}
	}
	if cookie == nil {
		return "", errors.New("login: no session cookie")
	}
	body, _ = json.Marshal(map[string]any{"name": "bench", "ttl_days": 1})
	req, _ := http.NewRequest("POST", base+"/api/v1/auth/tokens", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", sess.CSRF)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	resp, err = c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusCreated || tok.Token == "" {
		return "", fmt.Errorf("token: HTTP %d %v", resp.StatusCode, err)
	}
	return tok.Token, nil
}
