/**
 * A Logger that records instead of printing, so a test can assert on what a node logged
 * (e.g. that an API key never reaches a log line) through `RunResult.logs`.
 *
 * n8n nodes log through `this.logger`, which n8n-core resolves as `Container.get(Logger)`;
 * the engine itself logs through n8n-workflow's `LoggerProxy`. Both are pointed here.
 */
import type { Logger as N8nLogger, LogMetadata } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogEntry {
	level: LogLevel;
	message: string;
	metadata?: LogMetadata;
}

export class CapturingLogger implements N8nLogger {
	private entries: LogEntry[] = [];

	/** Everything logged since the last `drain()`, oldest first; clears the buffer. */
	drain(): LogEntry[] {
		const drained = this.entries;
		this.entries = [];
		return drained;
	}

	error(message: string, metadata?: LogMetadata) {
		this.record('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata) {
		this.record('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata) {
		this.record('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata) {
		this.record('debug', message, metadata);
	}

	/** n8n services call `logger.scoped('...')`; scopes only filter output, so one sink is enough. */
	scoped(): this {
		return this;
	}

	private record(level: LogLevel, message: string, metadata?: LogMetadata) {
		this.entries.push(metadata === undefined ? { level, message } : { level, message, metadata });
	}
}
