#!/usr/bin/env python3
"""Fits the piecewise polynomials of the AVX2 tanh in native/cpu/vec_math.cc (kTanhPieceC and
kTanhPieceP): on each piece, tanh(c + t) interpolated at the Chebyshev nodes in high precision
(mpmath), coefficients rounded to float32, then checked on a dense grid with float32 Horner/FMA
evaluation (vec_math_check.cc sweeps every float afterwards). Dev-time only (needs numpy, mpmath):

    python3 native/cpu/test/fit_tanh.py [DEGREE=7]
"""
import struct
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
PIECES = [(0.625, 0.75), (0.75, 1.0), (1.0, 1.5), (1.5, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 6.0), (6.0, 9.1)]


def f32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


def fit(a, b, deg):
    c = f32((a + b) / 2)
    h = max(b - c, c - a)
    n = deg + 1
    nodes = [mp.mpf(h) * mp.cos(mp.pi * (k + 0.5) / n) for k in range(n)]
    coef = mp.lu_solve(mp.matrix([[t ** j for j in range(n)] for t in nodes]), mp.matrix([mp.tanh(c + t) for t in nodes]))
    return c, [f32(float(coef[j])) for j in range(n)]


def horner(y, c, cf):  # float32 with fused multiply-adds (exact product, one rounding)
    t = np.float32(np.float32(y) - np.float32(c))
    p = np.float32(cf[-1])
    for k in range(len(cf) - 2, -1, -1):
        p = np.float32(np.float64(p) * np.float64(t) + np.float64(cf[k]))
    return p


def main():
    deg = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    fits = [fit(a, b, deg) for a, b in PIECES]
    for (a, b), (c, cf) in zip(PIECES, fits):
        worst = 0.0
        for y in np.linspace(a, min(b, 9.0), 20001).astype(np.float32):
            ref = mp.tanh(mp.mpf(float(y)))
            worst = max(worst, abs(float(horner(y, c, cf)) - float(ref)) / float(np.spacing(np.float32(float(ref)))))
        print(f'// [{a}, {b}): max {worst:.3f} ulp on a grid', file=sys.stderr)
    fmt = lambda v: np.format_float_scientific(np.float32(v), unique=True, trim='-') + 'f'
    print('constexpr float kTanhPieceC[8] = {' + ', '.join(fmt(c) for c, _ in fits) + '};')
    print('constexpr float kTanhPieceP[8][8] = {  // [coefficient k][piece]')
    for k in range(deg + 1):
        print('    {' + ', '.join(fmt(cf[k]) for _, cf in fits) + '},')
    print('};')


if __name__ == '__main__':
    main()
