#include "amqp/amqp_exporter.hpp"

#include <fmt/format.h>

#include "amqp/command_consumer.hpp"
#include "amqp/event_producer.hpp"
#include "amqp/log_publisher.hpp"
#include "core/api_registry.hpp"
#include "core/log_bus.hpp"

namespace es::amqp {

namespace {

std::string stats_line(std::string_view kind, const std::string& name, const ProfileStats& stats,
                       std::size_t queued) {
  return fmt::format(
      "{} {} {} published={} queued={} dropped={} connects={} received={} "
      "refused={}\n",
      kind, name, stats.state_text(), stats.published.load(), queued, stats.dropped.load(),
      stats.connects.load(), stats.received.load(), stats.refused.load());
}

}  // namespace

struct AmqpExporter::Profiles {
  std::vector<std::shared_ptr<EventProducer>> producers;
  std::vector<std::shared_ptr<LogPublisher>> loggers;
  std::vector<std::unique_ptr<CommandConsumer>> commands;

  std::string status() const {
    std::string out;
    for (const auto& p : producers) {
      out += stats_line("producer", p->profile().name, p->stats(), p->queued());
    }
    for (const auto& p : loggers) {
      out += stats_line("logging", p->profile().name, p->stats(), p->queued());
    }
    for (const auto& p : commands) out += stats_line("commands", p->profile().name, p->stats(), 0);
    return out;
  }
};

AmqpExporter::AmqpExporter(const AmqpConfig& config, core::Runtime& runtime)
    : profiles_(std::make_shared<Profiles>()) {
  for (const ProducerProfile& profile : config.producers) {
    auto producer = std::make_shared<EventProducer>(profile, runtime);
    producer->start();
    profiles_->producers.push_back(std::move(producer));
  }
  for (const LoggingProfile& profile : config.logging) {
    auto logger = std::make_shared<LogPublisher>(profile, runtime);
    logger->start();
    runtime.log().add_sink(logger);
    profiles_->loggers.push_back(std::move(logger));
  }
  for (const CommandProfile& profile : config.commands) {
    auto consumer = std::make_unique<CommandConsumer>(profile, runtime);
    consumer->start();
    profiles_->commands.push_back(std::move(consumer));
  }
  // The command holds the profiles weakly: after the exporter is gone it reports nothing
  // instead of reading freed counters.
  std::weak_ptr<Profiles> weak = profiles_;
  core::ApiCommand command;
  command.name = "amqp";
  command.syntax = "status";
  command.description = "AMQP export: per-profile state and counters";
  command.module = "mod_amqp";
  command.may_block = false;
  command.function = [weak](std::string_view arg, std::string& out, const core::ApiContext&) {
    if (arg != "status") {
      out = "-USAGE: amqp status\n";
      return core::ApiStatus::kFailure;
    }
    auto profiles = weak.lock();
    if (!profiles) {
      out = "-ERR amqp is not running\n";
      return core::ApiStatus::kFailure;
    }
    out = profiles->status();
    return core::ApiStatus::kSuccess;
  };
  runtime.api().add(std::move(command));
}

AmqpExporter::~AmqpExporter() {
  // Producers first: they unsubscribe, then drain nothing more (what is queued is counted).
  for (auto& p : profiles_->producers) p->stop();
  for (auto& p : profiles_->loggers) p->stop();
  for (auto& p : profiles_->commands) p->stop();
}

std::string AmqpExporter::status_text() const {
  return profiles_->status();
}

std::unique_ptr<AmqpExporter> AmqpExporter::from_configuration(pugi::xml_node amqp_conf,
                                                               core::Runtime& runtime) {
  AmqpConfig config = parse_amqp_config(amqp_conf);
  for (const std::string& warning : config.warnings) {
    ES_LOG(runtime.log(), core::LogLevel::kWarning, "{}", warning);
  }
  if (config.empty()) return nullptr;
  return std::make_unique<AmqpExporter>(config, runtime);
}

}  // namespace es::amqp
