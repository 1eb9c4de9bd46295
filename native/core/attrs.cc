#include "attrs.h"

namespace srt {

const Attr* Attrs::find(const std::string& name) const {
  for (const auto& [k, v] : items_)
    if (k == name) return &v;
  return nullptr;
}

int64_t Attrs::i(const std::string& name, int64_t def) const {
  const Attr* a = find(name);
  return a && a->kind == Attr::Num ? static_cast<int64_t>(a->num) : def;
}

double Attrs::f(const std::string& name, double def) const {
  const Attr* a = find(name);
  return a && a->kind == Attr::Num ? a->num : def;
}

std::vector<int64_t> Attrs::ints(const std::string& name) const {
  const Attr* a = find(name);
  std::vector<int64_t> out;
  if (!a) return out;
  if (a->kind == Attr::Num) return {static_cast<int64_t>(a->num)};
  for (double d : a->nums) out.push_back(static_cast<int64_t>(d));
  return out;
}

std::vector<double> Attrs::floats(const std::string& name) const {
  const Attr* a = find(name);
  if (!a) return {};
  if (a->kind == Attr::Num) return {a->num};
  return a->nums;
}

std::string Attrs::s(const std::string& name, const std::string& def) const {
  const Attr* a = find(name);
  return a && a->kind == Attr::Str ? a->str : def;
}

}  // namespace srt
