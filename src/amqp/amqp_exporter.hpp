// Everything amqp.conf.xml asks for, started and stopped together: producer profiles on the
// event bus, logging profiles on the log bus, command profiles on their own threads, and the
// `amqp` API command that reports their counters.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "amqp/amqp_config.hpp"
#include "core/runtime.hpp"

namespace es::amqp {

class EventProducer;
class LogPublisher;
class CommandConsumer;

class AmqpExporter {
 public:
  // Starts every profile of `config` and registers `amqp` (status report).
  AmqpExporter(const AmqpConfig& config, core::Runtime& runtime);
  ~AmqpExporter();
  AmqpExporter(const AmqpExporter&) = delete;
  AmqpExporter& operator=(const AmqpExporter&) = delete;

  // One line per profile: kind, name, state, counters (what `amqp status` prints).
  std::string status_text() const;

  // Starts the exporter when the loaded configuration has an amqp.conf with a profile;
  // null otherwise. Configuration warnings are logged.
  static std::unique_ptr<AmqpExporter> from_configuration(pugi::xml_node amqp_conf,
                                                          core::Runtime& runtime);

 private:
  struct Profiles;
  std::shared_ptr<Profiles> profiles_;
};

}  // namespace es::amqp
