// Strided index walks and numpy broadcasting, shared by the element-wise and data-movement kernels.
//
// A Walk<K> describes a dense, row-major iteration over `shape` together with K strided operands:
// at dense position p (multi-index i), operand k sits at element offset base[k] + sum_d i[d] * strides[k][d].
// simplify() drops size-1 axes and merges axes that are contiguous for every operand, so that the
// innermost rows are as long as possible; walk_rows() then calls the row function once per row.
//
//   Walk<2> w = broadcast_walk<2>("Add", Y.dims, {&A.dims, &B.dims});
//   walk_rows(w, [&](int64_t y_off, const std::array<int64_t, 2>& off, int64_t n) { ... });
//
// walk_rows_parallel() does the same over the engine's threads, for large walks.
//
// The inner strides are w.strides[k].back() (0 or 1 for broadcasting). copy_walk() moves a whole
// one-operand walk (Slice, Transpose, Expand). Walks keep their dims and strides inline (WalkDims)
// up to rank 8, so that building and walking them allocates nothing.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "cpu/kernel_util.h"

namespace srt {
namespace cpu {

// A list of int64 with the vector operations walks use, held inline up to kInline entries and on
// the heap beyond. Converts from and to Dims.
class WalkDims {
 public:
  static constexpr size_t kInline = 8;
  WalkDims() = default;
  WalkDims(size_t n, int64_t v) { resize(n, v); }
  WalkDims(const Dims& d) { assign(d.begin(), d.end()); }  // NOLINT: implicit, like a Dims copy
  WalkDims(const WalkDims& o) { assign(o.begin(), o.end()); }
  WalkDims& operator=(const WalkDims& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  WalkDims& operator=(const Dims& d) {
    assign(d.begin(), d.end());
    return *this;
  }
  operator Dims() const { return Dims(begin(), end()); }  // NOLINT: implicit

  template <class It>
  void assign(It first, It last) {
    const size_t n = static_cast<size_t>(last - first);
    reserve(n);
    int64_t* d = data();
    for (size_t i = 0; i < n; ++i) d[i] = first[i];
    n_ = n;
  }
  void reserve(size_t n) {
    if (n <= capacity()) return;
    std::vector<int64_t> bigger(n);
    for (size_t i = 0; i < n_; ++i) bigger[i] = data()[i];
    heap_ = std::move(bigger);
  }
  void resize(size_t n, int64_t v = 0) {
    reserve(n);
    for (size_t i = n_; i < n; ++i) data()[i] = v;
    n_ = n;
  }
  void push_back(int64_t v) {
    if (n_ == capacity()) reserve(2 * n_);
    data()[n_++] = v;
  }
  void clear() { n_ = 0; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  size_t capacity() const { return heap_.empty() ? kInline : heap_.size(); }
  int64_t* data() { return heap_.empty() ? inline_ : heap_.data(); }
  const int64_t* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + n_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + n_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  const int64_t& operator[](size_t i) const { return data()[i]; }
  int64_t& front() { return data()[0]; }
  const int64_t& front() const { return data()[0]; }
  int64_t& back() { return data()[n_ - 1]; }
  const int64_t& back() const { return data()[n_ - 1]; }

 private:
  int64_t inline_[kInline] = {};
  std::vector<int64_t> heap_;  // the storage once more than kInline entries were needed
  size_t n_ = 0;
};

template <size_t K>
struct Walk {
  WalkDims shape;                   // iteration shape; after simplify() rank >= 1
  std::array<WalkDims, K> strides;  // per operand, one element stride per axis of `shape` (may be 0 or negative)
  std::array<int64_t, K> base{};    // per operand, element offset of index 0
};

// Drops size-1 axes and merges neighbours that are contiguous for every operand. A walk with no
// elements keeps its zero-sized axis (walk_rows then does nothing). Always leaves rank >= 1.
template <size_t K>
void simplify(Walk<K>& w) {
  WalkDims shape;
  std::array<WalkDims, K> strides;
  for (size_t d = 0; d < w.shape.size(); ++d) {
    if (w.shape[d] == 1) continue;
    if (!shape.empty()) {
      bool merge = true;
      for (size_t k = 0; k < K; ++k)
        if (strides[k].back() != w.strides[k][d] * w.shape[d]) merge = false;
      if (merge) {
        shape.back() *= w.shape[d];
        for (size_t k = 0; k < K; ++k) strides[k].back() = w.strides[k][d];
        continue;
      }
    }
    shape.push_back(w.shape[d]);
    for (size_t k = 0; k < K; ++k) strides[k].push_back(w.strides[k][d]);
  }
  if (shape.empty()) {
    shape.push_back(1);
    for (size_t k = 0; k < K; ++k) strides[k].push_back(0);
  }
  w.shape = shape;
  w.strides = strides;
}

// Calls row(dense_offset, offsets, n) for every innermost row of the walk, in row-major order:
// the row covers dense positions [dense_offset, dense_offset + n) and operand k's elements
// offsets[k] + j * w.strides[k].back() for j in [0, n).
template <size_t K, class Row>
void walk_rows(const Walk<K>& w, Row&& row) {
  const int r = static_cast<int>(w.shape.size());
  if (r == 0) {
    row(int64_t(0), w.base, int64_t(1));
    return;
  }
  for (int64_t d : w.shape)
    if (d == 0) return;
  const int64_t n = w.shape[r - 1];
  int64_t rows = 1;
  for (int d = 0; d + 1 < r; ++d) rows *= w.shape[d];
  std::array<int64_t, K> off = w.base;
  WalkDims idx(static_cast<size_t>(r), 0);
  int64_t dense = 0;
  for (int64_t i = 0; i < rows; ++i, dense += n) {
    row(dense, static_cast<const std::array<int64_t, K>&>(off), n);
    for (int d = r - 2; d >= 0; --d) {
      for (size_t k = 0; k < K; ++k) off[k] += w.strides[k][d];
      if (++idx[d] < w.shape[d]) break;
      for (size_t k = 0; k < K; ++k) off[k] -= w.strides[k][d] * w.shape[d];
      idx[d] = 0;
    }
  }
}

// walk_rows split over the engine's threads: the outermost axis in chunks (a walk of one axis: the
// row itself), each chunk a sub-walk whose rows keep their dense offsets; `work` estimates the whole
// walk's cost for ExecContext::parallel_for. `row` must be thread-safe.
template <size_t K, class Row>
void walk_rows_parallel(const Walk<K>& w, ExecContext& ctx, int64_t work, Row&& row) {
  int64_t total = 1;
  for (int64_t d : w.shape) total *= d;
  if (w.shape.size() < 2) {
    ctx.parallel_for(
        total,
        [&](int64_t i0, int64_t i1) {
          std::array<int64_t, K> off;
          for (size_t k = 0; k < K; ++k) off[k] = w.base[k] + i0 * w.strides[k][0];
          row(i0, static_cast<const std::array<int64_t, K>&>(off), i1 - i0);
        },
        work);
    return;
  }
  const int64_t slab = total / w.shape[0];
  ctx.parallel_for(
      w.shape[0],
      [&](int64_t i0, int64_t i1) {
        Walk<K> sub = w;
        sub.shape[0] = i1 - i0;
        for (size_t k = 0; k < K; ++k) sub.base[k] = w.base[k] + i0 * w.strides[k][0];
        walk_rows(sub, [&](int64_t o, const std::array<int64_t, K>& off, int64_t n) { row(o + i0 * slab, off, n); });
      },
      work);
}

// Numpy broadcasting of K inputs to `out` (the plan's output dims): right-aligned, every input
// dim equal to the output's or 1 (stride 0). Throws ERR_INVALID_PLAN when an input does not
// broadcast. The result is simplified.
template <size_t K>
Walk<K> broadcast_walk(const char* op, const Dims& out, std::initializer_list<const Dims*> ins) {
  Walk<K> w;
  w.shape = out;
  const size_t r = out.size();
  size_t k = 0;
  for (const Dims* in : ins) {
    if (k >= K) break;
    const size_t ir = in->size();
    bool ok = ir <= r;
    WalkDims s(r, 0);
    int64_t stride = 1;
    for (size_t j = 0; ok && j < ir; ++j) {
      const size_t di = ir - 1 - j, dout = r - 1 - j;
      const int64_t d = (*in)[di];
      if (d == out[dout]) {
        s[dout] = d == 1 ? 0 : stride;
      } else if (d == 1) {
        s[dout] = 0;
      } else {
        ok = false;
      }
      stride *= d;
    }
    if (!ok) {
      std::string a = "[", b = "[";
      for (size_t i = 0; i < ir; ++i) a += (i ? ", " : "") + std::to_string((*in)[i]);
      for (size_t i = 0; i < r; ++i) b += (i ? ", " : "") + std::to_string(out[i]);
      throw Error(kErrInvalidPlan, std::string(op) + ": input " + std::to_string(k) + " dims " + a +
                                       "] do not broadcast to the output dims " + b + "]");
    }
    w.strides[k] = s;
    ++k;
  }
  if (k != K) throw Error(kErrInternal, std::string(op) + ": broadcast_walk got the wrong number of inputs");
  simplify(w);
  return w;
}

// Y = X read through the one-operand walk w, any element type (moved by size): Y is dense over
// w.shape, operand 0 gives element offsets into X. Rows with inner stride 1 are memcpy, stride 0 a fill.
inline void copy_walk(const Walk<1>& w, const Tensor& X, Tensor& Y) {
  const int64_t s = w.strides[0].back();
  dispatch_size(dtype_size(X.dtype), [&](auto tag) {
    using T = decltype(tag);
    const T* x = X.ptr<const T>();
    T* y = Y.ptr<T>();
    walk_rows(w, [&](int64_t yo, const std::array<int64_t, 1>& off, int64_t n) {
      const T* px = x + off[0];
      T* py = y + yo;
      if (s == 1) {
        std::memcpy(py, px, static_cast<size_t>(n) * sizeof(T));
      } else if (s == 0) {
        const T v = *px;
        for (int64_t i = 0; i < n; ++i) py[i] = v;
      } else {
        for (int64_t i = 0; i < n; ++i) py[i] = px[i * s];
      }
    });
  });
}

}  // namespace cpu
}  // namespace srt
