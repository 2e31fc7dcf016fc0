import { InvalidArgumentError, Option } from 'commander';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number 0–65535');
  return port;
}

export function portOption(): Option {
  return new Option('-p, --port <port>', 'port to listen on').argParser(parsePort);
}
