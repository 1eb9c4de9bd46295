"""Reference surrogate models for surrogate-rt.

Four small PyTorch models, each a scaled-down, inference-only version of a
well-known architecture from materials science or seismology.  They exist to
exercise the ONNX runtime with realistic graph shapes and operator mixes; the
weights are seeded random (see ``export.py``), NOT trained.

All code here sticks to modules and tensor ops whose ONNX export (opset 17,
torch 1.13) stays inside the operator set the runtime supports.  In particular:

* no ``padding="same"`` (torch 1.13 cannot export it) -- padding is explicit;
* no ``nn.MultiheadAttention`` / ``nn.TransformerEncoderLayer`` -- attention
  is written out by hand so it exports as MatMul / Softmax / Reshape chains;
* no in-place index assignment (that would export as ScatterND).

Models
------
ElemNet   composition (B, 86)                      -> formation_energy (B, 1)
PhaseNet  waveform (B, 3, 3001)                    -> probabilities (B, 3, 3001)
GMM       features (B, 5)                          -> log_im (B, 8)
CrabNet   elements (B, 8) int64, fractions (B, 8)  -> property (B, 1)
"""

import math

import torch
import torch.nn as nn

# Number of chemical elements considered (H .. Rn, Z = 1 .. 86).
N_ELEMENTS = 86


def init_uniform_(tensor, low, high):
    """Fill ``tensor`` in place from U(low, high) (uses the global torch RNG)."""
    with torch.no_grad():
        tensor.uniform_(low, high)
    return tensor


def randomize_batchnorm_(bn):
    """Give a BatchNorm layer non-trivial (seeded random) affine parameters and
    running statistics, so that folding BN into the preceding convolution at
    export time actually changes the weights (an identity BN would hide bugs).
    """
    init_uniform_(bn.weight, 0.75, 1.25)        # gamma
    init_uniform_(bn.bias, -0.1, 0.1)           # beta
    init_uniform_(bn.running_mean, -0.1, 0.1)
    init_uniform_(bn.running_var, 0.5, 1.5)


# ---------------------------------------------------------------------------
# 1. ElemNet: deep MLP on elemental composition
# ---------------------------------------------------------------------------
class ElemNet(nn.Module):
    """ElemNet-style regressor (Jha et al., Sci. Rep. 2018).

    Input: a vector of 86 element fractions (one slot per element H..Rn).
    Output: a single scalar, e.g. formation energy in eV/atom.

    The original ElemNet has 17 fully connected layers; this version keeps the
    characteristic funnel shape with 9 layers
    86 -> 1024 -> 1024 -> 512 -> 512 -> 256 -> 256 -> 128 -> 64 -> 1,
    ReLU after every hidden layer and dropout (inactive at inference) in the
    wide part.  Exports to ONNX as a plain Gemm + Relu chain.
    """

    HIDDEN = (1024, 1024, 512, 512, 256, 256, 128, 64)

    def __init__(self, n_elements=N_ELEMENTS, hidden=HIDDEN, dropout=0.1):
        super().__init__()
        layers = []
        width = n_elements
        for i, h in enumerate(hidden):
            layers.append(nn.Linear(width, h))
            layers.append(nn.ReLU())
            if i < 4:
                # Regularisation used during training only; a no-op in eval().
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)
        self.reset_parameters()

    def reset_parameters(self):
        for m in self.net:
            if isinstance(m, nn.Linear):
                # He initialisation keeps the activation scale roughly constant
                # through the ReLU stack, so random-weight outputs are O(1)
                # rather than vanishing (useful for numerical comparisons).
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                init_uniform_(m.bias, -0.05, 0.05)
        # As when training starts from the target's mean: the output bias is set to a typical
        # formation energy (-1.5 eV/atom), so predictions sit on the physical scale instead of
        # near zero, where relative errors of any float32 engine are inflated by cancellation.
        nn.init.constant_(self.net[-1].bias, -1.5)

    def forward(self, composition):
        # composition: (B, 86) element fractions -> (B, 1)
        return self.net(composition)


# ---------------------------------------------------------------------------
# 2. PhaseNet: 1-D U-Net seismic phase picker
# ---------------------------------------------------------------------------
class ConvBNReLU1d(nn.Sequential):
    """Conv1d (no bias; BN supplies the shift) -> BatchNorm1d -> ReLU."""

    def __init__(self, c_in, c_out, kernel_size=7, stride=1):
        padding = (kernel_size - 1) // 2        # explicit, never "same"
        super().__init__(
            nn.Conv1d(c_in, c_out, kernel_size, stride=stride,
                      padding=padding, bias=False),
            nn.BatchNorm1d(c_out),
            nn.ReLU(),
        )


class UpConvBNReLU1d(nn.Sequential):
    """ConvTranspose1d (x4 upsampling) -> BatchNorm1d -> ReLU.

    With kernel 7, stride 4, padding 3 and output_padding 3 the output has
    length exactly 4 * L_in and output sample 4*i is centred on input sample
    i, i.e. it is aligned with the stride-4 encoder convolution (whose output
    i is centred on input 4*i).  The result is then cropped to the skip length.
    """

    def __init__(self, c_in, c_out, kernel_size=7, stride=4):
        padding = (kernel_size - 1) // 2
        super().__init__(
            nn.ConvTranspose1d(c_in, c_out, kernel_size, stride=stride,
                               padding=padding, output_padding=stride - 1,
                               bias=False),
            nn.BatchNorm1d(c_out),
            nn.ReLU(),
        )


class PhaseNet(nn.Module):
    """PhaseNet-style phase picker (Zhu & Beroza, GJI 2019).

    Input: 3-component seismogram (E, N, Z), 3001 samples (30 s at 100 Hz),
    normalised to [-1, 1].
    Output: per-sample probabilities of (noise, P arrival, S arrival); softmax
    over the channel axis, so the three channels sum to 1 at every sample.

    Encoder: five resolution levels with 8, 16, 32, 64, 128 channels; each
    level is Conv(k=7)+BN+ReLU, and levels are separated by a stride-4
    Conv(k=7)+BN+ReLU.  Lengths: 3001 -> 751 -> 188 -> 47 -> 12.
    Decoder: ConvTranspose(stride 4)+BN+ReLU, crop to the skip length,
    concatenate with the encoder feature map of the same level, Conv+BN+ReLU.
    Head: 1x1 Conv to 3 channels + Softmax(dim=1).
    """

    CHANNELS = (8, 16, 32, 64, 128)

    def __init__(self, in_channels=3, n_classes=3, channels=CHANNELS,
                 kernel_size=7, stride=4):
        super().__init__()
        self.input_conv = ConvBNReLU1d(in_channels, channels[0], kernel_size)

        # Encoder.  level i works at channels[i]; down[i] goes from level i to
        # level i + 1 and changes the channel count.
        self.enc = nn.ModuleList(
            ConvBNReLU1d(c, c, kernel_size) for c in channels[:-1])
        self.down = nn.ModuleList(
            ConvBNReLU1d(channels[i], channels[i + 1], kernel_size, stride)
            for i in range(len(channels) - 1))
        self.bottom = ConvBNReLU1d(channels[-1], channels[-1], kernel_size)

        # Decoder, from coarse to fine.
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for i in reversed(range(len(channels) - 1)):
            self.up.append(UpConvBNReLU1d(channels[i + 1], channels[i],
                                          kernel_size, stride))
            # Input: upsampled features concatenated with the skip features.
            self.dec.append(ConvBNReLU1d(2 * channels[i], channels[i],
                                         kernel_size))

        self.head = nn.Conv1d(channels[0], n_classes, kernel_size=1)
        self.reset_parameters()

    def reset_parameters(self):
        for m in self.modules():
            if isinstance(m, (nn.Conv1d, nn.ConvTranspose1d)):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                if m.bias is not None:
                    init_uniform_(m.bias, -0.1, 0.1)
            elif isinstance(m, nn.BatchNorm1d):
                randomize_batchnorm_(m)

    def forward(self, waveform):
        # waveform: (B, 3, 3001)
        x = self.input_conv(waveform)
        skips = []
        for enc, down in zip(self.enc, self.down):
            x = enc(x)
            skips.append(x)
            x = down(x)
        x = self.bottom(x)

        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = up(x)
            # Upsampling gives 4 * L_coarse >= L_skip samples; crop the tail
            # (exports as Shape/Gather/Slice).
            x = x[:, :, :skip.shape[2]]
            x = dec(torch.cat([skip, x], dim=1))

        logits = self.head(x)
        return torch.softmax(logits, dim=1)          # (B, 3, 3001)


# ---------------------------------------------------------------------------
# 3. Ground-motion model: small MLP
# ---------------------------------------------------------------------------
class GroundMotionMLP(nn.Module):
    """Neural ground-motion model (GMM) for earthquake intensity measures.

    Input features (each affinely normalised to [-1, 1] beforehand):
      0 moment magnitude Mw,
      1 log10 source-to-site distance (km),
      2 log10 Vs30 (m/s),
      3 hypocentral depth (km),
      4 rake-derived mechanism (-1 normal ... 0 strike-slip ... +1 reverse).
    Output: natural-log intensity measures
      [PGA, PGV, PSA(0.1 s), PSA(0.2 s), PSA(0.5 s), PSA(1 s), PSA(2 s), PSA(5 s)].

    Structure (mirrors the functional form of classic GMMs):
      h        = tanh(W2 tanh(W1 x + b1) + b2)            hidden 64, 64
      base     = W_b h + b_b                               (B, 8)
      c_att    = softplus(W_a h + b_a)   >= 0              (B, 8)
      log_im   = base - c_att * r,   r = feature 1 (normalised log distance)
    The softplus keeps the learned distance-attenuation coefficient positive,
    so the explicit distance term always lowers the ground motion.
    """

    N_FEATURES = 5
    N_OUTPUTS = 8
    DISTANCE_FEATURE = 1

    def __init__(self, n_features=N_FEATURES, hidden=64, n_outputs=N_OUTPUTS):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.Tanh(),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
        )
        self.base_head = nn.Linear(hidden, n_outputs)
        self.attenuation_head = nn.Linear(hidden, n_outputs)
        self.softplus = nn.Softplus()

    def forward(self, features):
        # features: (B, 5) -> log_im: (B, 8)
        h = self.trunk(features)
        base = self.base_head(h)
        c_att = self.softplus(self.attenuation_head(h))
        r = features[:, self.DISTANCE_FEATURE:self.DISTANCE_FEATURE + 1]  # (B, 1)
        return base - c_att * r


# ---------------------------------------------------------------------------
# 4. CrabNet: transformer over element tokens
# ---------------------------------------------------------------------------
class MultiHeadSelfAttention(nn.Module):
    """Scaled dot-product multi-head self-attention, written out explicitly.

    Padding keys are excluded by replacing their scores with a large finite
    negative number (``MASK_VALUE``) before the softmax.  A finite value (not
    -inf) means a row whose keys are *all* padding gets a uniform attention
    distribution instead of 0/0 = NaN.
    """

    MASK_VALUE = -1.0e9

    def __init__(self, d_model=64, n_heads=4):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.scale = 1.0 / math.sqrt(self.d_head)
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, D) -> (B, H, T, D/H).  Using x.shape[...] keeps the batch
        # (and token) dimension dynamic: the exporter emits a
        # Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain.
        x = x.view(x.shape[0], x.shape[1], self.n_heads, self.d_head)
        return x.transpose(1, 2)

    def forward(self, x, key_padding_mask):
        # x: (B, T, D); key_padding_mask: (B, T) bool, True = padding token.
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))

        scores = torch.matmul(q, k.transpose(-2, -1)) * self.scale  # (B,H,T,T)
        mask = key_padding_mask.unsqueeze(1).unsqueeze(2)            # (B,1,1,T)
        scores = scores.masked_fill(mask, self.MASK_VALUE)          # Where
        attn = torch.softmax(scores, dim=-1)
        out = torch.matmul(attn, v)                                  # (B,H,T,dh)

        out = out.transpose(1, 2)                                    # (B,T,H,dh)
        out = out.reshape(out.shape[0], out.shape[1],
                          self.n_heads * self.d_head)                # (B,T,D)
        return self.out_proj(out)


class TransformerEncoderBlock(nn.Module):
    """Post-norm transformer encoder layer (as in the original Transformer and
    CrabNet's nn.TransformerEncoder): x = LN(x + MHSA(x)); x = LN(x + FFN(x)),
    with FFN = Linear -> exact GELU (erf form) -> Linear."""

    def __init__(self, d_model=64, n_heads=4, d_ff=128, dropout=0.1):
        super().__init__()
        self.attn = MultiHeadSelfAttention(d_model, n_heads)
        self.norm1 = nn.LayerNorm(d_model)
        self.ff = nn.Sequential(
            nn.Linear(d_model, d_ff),
            nn.GELU(),                       # exact: 0.5 x (1 + erf(x / sqrt 2))
            nn.Dropout(dropout),
            nn.Linear(d_ff, d_model),
        )
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, key_padding_mask):
        x = self.norm1(x + self.dropout(self.attn(x, key_padding_mask)))
        x = self.norm2(x + self.dropout(self.ff(x)))
        return x


class CrabNet(nn.Module):
    """CrabNet-style composition transformer (Wang et al., npj Comput. Mater.
    2021), reduced to 2 layers, d_model 64, 4 heads.

    Inputs:
      elements  (B, 8) int64   atomic numbers Z (1..86), 0 = padding slot;
      fractions (B, 8) float32 molar fraction of each element (0 for padding).
    Output: (B, 1) property prediction.

    Token embedding = element embedding (nn.Embedding -> Gather) + a learned
    linear "fractional encoding" of the amount (CrabNet uses a sinusoidal
    one; Sin/Cos are outside the runtime's operator set).

    Pooling: mean over non-padding tokens.  The token count in the denominator
    is clamped to >= 1, so an all-padding row yields a finite output (the
    head applied to a zero vector, i.e. the head bias) rather than NaN.
    """

    def __init__(self, n_elements=N_ELEMENTS, d_model=64, n_heads=4,
                 n_layers=2, d_ff=128, dropout=0.1):
        super().__init__()
        # Row 0 is the padding embedding (kept at zero by padding_idx).
        self.element_embedding = nn.Embedding(n_elements + 1, d_model,
                                              padding_idx=0)
        self.fraction_encoding = nn.Linear(1, d_model)
        self.layers = nn.ModuleList(
            TransformerEncoderBlock(d_model, n_heads, d_ff, dropout)
            for _ in range(n_layers))
        self.head = nn.Linear(d_model, 1)
        self.reset_parameters()

    def reset_parameters(self):
        # Non-trivial LayerNorm affine parameters so that gamma/beta are
        # exercised by numerical tests (defaults are 1 / 0).
        for m in self.modules():
            if isinstance(m, nn.LayerNorm):
                init_uniform_(m.weight, 0.75, 1.25)
                init_uniform_(m.bias, -0.1, 0.1)

    def forward(self, elements, fractions):
        # elements: (B, T) int64; fractions: (B, T) float32
        padding = elements == 0                                   # (B, T) bool

        x = self.element_embedding(elements)                      # (B, T, D)
        x = x + self.fraction_encoding(fractions.unsqueeze(-1))   # (B, T, D)

        for layer in self.layers:
            x = layer(x, padding)

        # Masked mean pooling over the element tokens.
        valid = (~padding).to(x.dtype).unsqueeze(-1)             # (B,T,1)
        summed = (x * valid).sum(dim=1)                               # (B, D)
        count = valid.sum(dim=1).clamp(min=1.0)                       # (B, 1)
        pooled = summed / count
        return self.head(pooled)                                      # (B, 1)
