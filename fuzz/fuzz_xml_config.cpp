// Fuzzes the configuration path: the pre-processor (X-PRE-PROCESS and <!--# commands, $${}
// expansion, includes), the XML parse and section lookups, event_socket.conf, the directory
// (userauth) and acl.conf's network lists. Fields: the root document, a userauth text. Flags:
// bit 0 runs only the pre-processor.
//
// Includes may only reach a scratch directory of small files made at start-up: glob() below
// refuses every other pattern, so no input can make the target read /dev/stdin, /proc or
// anything else of the machine.
#include <dlfcn.h>
#include <glob.h>
#include <unistd.h>
#include <cstdlib>

#include <cstdint>
#include <fstream>
#include <string>

#include "core/global_vars.hpp"
#include "core/xml_config.hpp"
#include "core/xml_preprocessor.hpp"
#include "eventsocket/acl.hpp"
#include "eventsocket/directory_auth.hpp"
#include "eventsocket/event_socket_config.hpp"
#include "fuzz_fields.hpp"

using es::fuzz::require;

namespace {

std::string sandbox;  // "/tmp/es-fuzz-xml-XXXXXX", made once

void write_file(const std::string& name, std::string_view text) {
  std::ofstream(sandbox + "/" + name) << text;
}

void make_sandbox() {
  char dir[] = "/tmp/es-fuzz-xml-XXXXXX";
  require(::mkdtemp(dir) != nullptr);
  sandbox = dir;
  write_file("vars.xml",
             "<include><X-PRE-PROCESS cmd=\"set\" data=\"domain=example.com\"/>"
             "</include>\n");
  write_file("self.xml",
             "<include>\n<X-PRE-PROCESS cmd=\"include\" data=\"self.xml\"/>\n"
             "</include>\n");
  write_file("user.xml",
             "<include><user id=\"1000\"><params><param name=\"esl-password\" value=\"pw\"/>"
             "</params></user></include>\n");
  write_file("empty.xml", "");
}

}  // namespace

// Every glob() of this process (only the pre-processor's includes call it) is confined to the
// sandbox; anything else matches nothing.
extern "C" int glob(const char* pattern, int flags, int (*errfunc)(const char*, int),
                    glob_t* result) noexcept {
  using GlobFn = int (*)(const char*, int, int (*)(const char*, int), glob_t*);
  static GlobFn real = reinterpret_cast<GlobFn>(::dlsym(RTLD_NEXT, "glob"));
  std::string_view text(pattern);
  if (sandbox.empty() || !text.starts_with(sandbox + "/") ||
      text.find("..") != std::string_view::npos) {
    return GLOB_NOMATCH;
  }
  return real(pattern, flags, errfunc, result);
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  make_sandbox();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  auto in = es::fuzz::read_fields<2>(input, size);
  es::core::GlobalVars globals;
  std::string_view text = in.field[0];

  if (in.flags & 1) {
    es::core::PreprocessedXml pre =
        es::core::preprocess_xml_text(sandbox, "fuzz.xml", text, globals);
    std::size_t previous = 0;
    for (const auto& origin : pre.origins) {
      require(origin.offset >= previous && origin.offset <= pre.text.size());
      require(origin.file < pre.files.size());
      previous = origin.offset;
    }
    (void)pre.locate(pre.text.size() / 2);
    (void)pre.locate(pre.text.size() + 1);
    return 0;
  }

  es::core::XmlLoadResult loaded = es::core::XmlConfig::load_text(text, sandbox, globals);
  require(loaded.config != nullptr || !loaded.error.empty());
  if (!loaded) return 0;
  const es::core::XmlConfig& config = *loaded.config;
  (void)config.section("dialplan");
  (void)es::eventsocket::load_event_socket_config(&config);
  std::vector<std::string> warnings;
  auto lists = es::eventsocket::NetworkLists::build(&config, es::eventsocket::LocalNetworkGuess{},
                                                    &warnings);
  (void)lists->check(asio::ip::make_address("127.0.0.1"), "lan");
  (void)config.find_user("1000", "example.com");
  (void)es::eventsocket::authenticate_directory_user(config, in.field[1]);
  return 0;
}
