// Package block encodes a sealed block of one series: its steps and values,
// compressed column by column, and the statistics and summary pyramid that
// let readers answer chart queries without decoding points.
package block
