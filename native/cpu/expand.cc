// Expand (numpy broadcast of X to Y's dims) and Tile (Y[i] = X[i mod dim] per axis; Y's dims are
// multiples of X's), any element type, moved by size.
#include <cstdint>
#include <cstring>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"

namespace srt {
namespace {

std::string supports_expand(const NodeSig& s) {
  std::string r = cpu::require_unary_any_type(s);
  if (!r.empty()) return r;
  if (s.in_ranks[0] > s.out_ranks[0]) return "Expand: input rank exceeds the output rank";
  return "";
}

void run_expand(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Expand");
  Tensor& Y = cpu::output(c, 0, "Expand");
  if (X.dtype != Y.dtype) cpu::fail_plan("Expand: input and output types differ");
  if (Y.numel() == 0) return;
  cpu::copy_walk(cpu::broadcast_walk<1>("Expand", Y.dims, {&X.dims}), X, Y);
}

std::string supports_tile(const NodeSig& s) {
  std::string r = cpu::require_unary_any_type(s);
  if (!r.empty()) return r;
  if (s.in_ranks[0] != s.out_ranks[0]) return "Tile: input and output ranks differ";
  return "";
}

void run_tile(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Tile");
  Tensor& Y = cpu::output(c, 0, "Tile");
  const int r = X.rank();
  bool ok = X.dtype == Y.dtype && Y.rank() == r;
  for (int d = 0; ok && d < r; ++d)
    ok = X.dims[d] == 0 ? Y.dims[d] == 0 : Y.dims[d] % X.dims[d] == 0;
  if (!ok)
    cpu::fail_plan("Tile: output dims " + cpu::dims_str(Y.dims) + " are not multiples of the input dims " +
                   cpu::dims_str(X.dims));
  if (Y.numel() == 0) return;
  const size_t esize = dtype_size(X.dtype);
  const uint8_t* x = static_cast<const uint8_t*>(X.data);
  uint8_t* y = static_cast<uint8_t*>(Y.data);
  if (r == 0) {
    std::memcpy(y, x, esize);
    return;
  }
  // Rows of Y along the last axis: the source row is X's row at (i[d] mod X.dims[d]) for the outer
  // axes, repeated Y.dims[r-1] / X.dims[r-1] times.
  const Dims xs = strides_of(X.dims);
  const int64_t yn = Y.dims[r - 1], xn = X.dims[r - 1];
  const size_t xrow = static_cast<size_t>(xn) * esize;
  const int64_t rows = Y.numel() / yn;
  std::vector<int64_t> yi(r, 0), xi(r, 0);
  int64_t xoff = 0;  // element offset of X's source row
  for (int64_t row = 0; row < rows; ++row) {
    uint8_t* py = y + static_cast<size_t>(row * yn) * esize;
    for (int64_t k = 0; k < yn; k += xn) std::memcpy(py + static_cast<size_t>(k) * esize, x + xoff * esize, xrow);
    for (int d = r - 2; d >= 0; --d) {
      xoff += xs[d];
      ++yi[d];
      if (++xi[d] == X.dims[d]) {
        xi[d] = 0;
        xoff -= xs[d] * X.dims[d];
      }
      if (yi[d] < Y.dims[d]) break;
      yi[d] = 0;
      xoff -= xs[d] * xi[d];
      xi[d] = 0;
    }
  }
}

}  // namespace

SRT_KERNEL("Expand", CPU, supports_expand, run_expand);
SRT_KERNEL("Tile", CPU, supports_tile, run_tile);

}  // namespace srt
