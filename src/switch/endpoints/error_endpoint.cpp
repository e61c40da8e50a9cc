// error/<cause>: no channel, the leg fails at once with that cause (docs/call-behaviour.md §7.3).
#include "switch/endpoints/builtin_endpoints.hpp"
#include "switch/session/hangup_cause.hpp"

namespace es::sw {
namespace {

class ErrorEndpoint final : public Endpoint {
 public:
  std::string_view name() const override { return "error"; }
  OutgoingResult create_outgoing(SwitchCore&, const OutgoingRequest& request) override {
    std::string_view data = request.data.empty() ? std::string_view("service") : request.data;
    int cause = cause_from_string(data);
    if (cause == cause::kNone) cause = cause::kDestinationOutOfOrder;
    return {nullptr, cause};
  }
};

}  // namespace

std::shared_ptr<Endpoint> make_error_endpoint() {
  return std::make_shared<ErrorEndpoint>();
}

}  // namespace es::sw
