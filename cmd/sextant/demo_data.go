package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// The demo project is a learning-rate sweep of a small image classifier:
// runs pair a learning rate with a seed, log train/ metrics every step,
// val/ metrics every 100 steps and system/ metrics every 10, so that the
// workspace opens with three sections. The curves are made, not recorded:
// a power-law loss whose speed and floor depend on the learning rate,
// with noise, a cosine schedule, and a run whose rate is too high and
// diverges to NaN.

// demoRow is one history row: _step, _timestamp and metric values. A
// value may be the string "NaN", as the API accepts.
type demoRow map[string]any

// demoRun is a run of the sweep with its whole history.
type demoRun struct {
	ID, Name, Group, Notes, State string
	Tags                          []string
	Config                        map[string]any
	Rows                          []demoRow
	curve                         curve
}

// liveRunID is the run that "sextant demo" keeps logging.
const liveRunID = "sweep-0"

// curve holds what shapes one run's metrics.
type curve struct {
	lr, speed, floor float64
	diverge          int // step from which the loss blows up; 0: never
	steps            int
	seed             uint64
}

var demoRates = []float64{1e-3, 3e-3, 1e-2, 3e-2}

// sweep makes n runs of steps steps each, the first starting at start.
func sweep(n, steps int, start time.Time) []demoRun {
	runs := make([]demoRun, n)
	for i := range runs {
		lr := demoRates[i%len(demoRates)]
		seed := uint64(i/len(demoRates) + 1)
		c := curve{lr: lr, steps: steps, seed: uint64(i)*7919 + seed}
		c.speed = 0.35 + 0.25*math.Log10(lr/3e-4)
		c.floor = 0.08 + 0.6*math.Abs(math.Log10(lr/3e-3))/2
		if lr >= 3e-2 {
			c.diverge = steps * 2 / 3
		}
		runs[i] = makeRun(i, lr, seed, c, start.Add(time.Duration(i)*7*time.Minute))
	}
	return runs
}

func makeRun(i int, lr float64, seed uint64, c curve, start time.Time) demoRun {
	r := demoRun{
		ID:    fmt.Sprintf("sweep-%d", i),
		Name:  fmt.Sprintf("lr=%g seed=%d", lr, seed),
		Group: fmt.Sprintf("lr=%g", lr),
		State: "finished",
		Tags:  []string{"sweep"},
		Config: map[string]any{
			"lr": lr, "seed": seed, "batch_size": 128, "epochs": 10,
			"model":     map[string]any{"name": "resnet18", "width": 64, "dropout": 0.1},
			"optimizer": map[string]any{"name": "adamw", "weight_decay": 0.05},
		},
		Notes: fmt.Sprintf("Sweep point lr=%g with seed %d.", lr, seed),
		curve: c,
	}
	switch {
	case c.diverge > 0:
		r.State, r.Tags = "crashed", append(r.Tags, "diverged")
		r.Notes += " The loss diverged: the rate is too high."
	case r.ID == liveRunID:
		r.State = "running"
	case lr == 3e-3:
		r.Tags = append(r.Tags, "best")
	}
	r.Rows = make([]demoRow, 0, c.steps)
	for step := 0; step < c.steps; step++ {
		if c.diverge > 0 && step > c.diverge+50 {
			break
		}
		t := float64(start.UnixNano())/1e9 + float64(step)*0.25
		r.Rows = append(r.Rows, curveRow(c, step, t))
	}
	return r
}

// curveRow is the row a run logs at step.
func curveRow(c curve, step int, ts float64) demoRow {
	rng := rand.New(rand.NewPCG(c.seed, uint64(step)))
	progress := float64(step) / float64(c.steps)
	loss := c.floor + 2.3*math.Pow(1+float64(step)*c.speed/50, -0.8)
	noisy := loss * (1 + 0.08*rng.NormFloat64())
	row := demoRow{
		"_step":      step,
		"_timestamp": ts,
		"train/loss": round(noisy, 5),
		"train/acc":  round(clamp(1-loss/2.4+0.02*rng.NormFloat64()), 4),
		"train/lr":   c.lr * 0.5 * (1 + math.Cos(math.Pi*math.Min(progress, 1))),
	}
	if c.diverge > 0 && step >= c.diverge {
		blow := math.Exp(float64(step-c.diverge) / 25)
		row["train/loss"] = round(noisy*blow, 5)
		if step > c.diverge+40 {
			row["train/loss"] = "NaN"
		}
	}
	if step%100 == 0 {
		val := loss*1.08 + 0.02 + 0.01*rng.NormFloat64()
		row["val/loss"] = round(val, 5)
		row["val/acc"] = round(clamp(1-val/2.3), 4)
	}
	if step%10 == 0 {
		row["system/gpu_util"] = round(88+6*rng.NormFloat64(), 1)
		row["system/memory_gb"] = round(9.5+0.002*float64(step%500), 3)
	}
	return row
}

func clamp(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// round keeps d decimals, as text loggers write values.
func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}
