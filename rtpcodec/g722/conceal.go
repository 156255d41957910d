package g722

// concealer is a placeholder, filled in below.
type concealer struct{}

func (c *concealer) decoded(out []int16) {}

// Conceal appends n samples standing in for lost audio.
func (d *Decoder) Conceal(dst []int16, n int) []int16 {
	return append(dst, make([]int16, n)...)
}
