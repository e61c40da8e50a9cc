// Tab completion through the switch's "console_complete" api command, as fs_cli does it: the
// request carries the line (and the cursor when it is not at the end); the reply lists the
// matches and may end in "write=<length>:<text>", which replaces the word being typed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "apps/escli/line_editor.hpp"

namespace es::apps::escli {

// The api command (without "api ") for `line` with the cursor at byte `cursor`.
std::string completion_request(std::string_view line, std::size_t cursor);

// The edit a console_complete reply asks for.
CompletionEdit parse_completion_reply(std::string_view reply);

// Tab while typing a slash command's name (the cursor in the line's first word, which starts
// with '/'): escli completes its own commands, listed as console_complete lists matches.
// nullopt for any other line, which goes to the switch's console_complete.
std::optional<CompletionEdit> complete_slash_command(std::string_view line, std::size_t cursor);

// Tab at `cursor`: a slash command completes here, anything else (every word of an api command:
// names, show sub-commands, channel uuids after uuid_*) through `ask`, which runs an api command
// on the switch and returns its reply.
CompletionEdit complete_line(std::string_view line, std::size_t cursor,
                             const std::function<std::string(const std::string&)>& ask);

}  // namespace es::apps::escli
