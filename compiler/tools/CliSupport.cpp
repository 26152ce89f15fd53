//===- CliSupport.cpp -----------------------------------------------------===//
#include "CliSupport.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace vitc::cli {

bool parseShapeSpec(const std::string &text, InputShape &shape, std::string &error) {
  std::string dims = text;
  size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    shape.name = text.substr(0, colon);
    dims = text.substr(colon + 1);
  }
  shape.dims.clear();
  size_t start = 0;
  while (start <= dims.size()) {
    size_t end = dims.find('x', start);
    std::string part = dims.substr(start, end == std::string::npos ? std::string::npos : end - start);
    char *rest = nullptr;
    errno = 0;
    long long value = std::strtoll(part.c_str(), &rest, 10);
    if (part.empty() || *rest != '\0' || errno != 0 || value <= 0) {
      error = "invalid shape '" + text + "': expected [NAME:]D1xD2x... with positive dims";
      return false;
    }
    shape.dims.push_back(value);
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return true;
}

NamedPath parseNamedPath(const std::string &text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos)
    return {"", text};
  return {text.substr(0, eq), text.substr(eq + 1)};
}

bool writeFileAtomically(const std::string &path, const std::string &content, std::string &error) {
  std::string temp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      out.close();
      std::remove(temp.c_str());
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

bool stderrIsTerminal() { return isatty(STDERR_FILENO) != 0; }

void ProgressBar::update(const std::string &phase, int64_t done, int64_t total) {
  if (!enabled_ || total <= 0)
    return;
  int percent = static_cast<int>(100 * done / total);
  if (phase == phase_ && percent == lastPercent_)
    return;
  if (phase != phase_ && drawn_)
    std::fputc('\n', stderr);
  phase_ = phase;
  lastPercent_ = percent;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * done / total);
  std::fprintf(stderr, "\r%-28s [%s%s] %lld/%lld", phase.c_str(), std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), static_cast<long long>(done),
               static_cast<long long>(total));
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_)
    std::fputc('\n', stderr);
  drawn_ = false;
  phase_.clear();
  lastPercent_ = -1;
}

} // namespace vitc::cli
