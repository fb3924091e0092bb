/** What a Lua command needs of a connection; ioredis's Redis and Cluster both have it. */
export interface ScriptHost {
  defineCommand(name: string, definition: { lua: string }): void;
}

/** A script as a function: every key it touches in `keys`, everything else in `args`. */
export type LuaCommand<Result> = (keys: string[], args: (string | number | Buffer)[]) => Promise<Result>;

/**
 * Defines a script on a connection (ioredis sends it once, then calls it by its SHA, and
 * loads it again by itself after a restart or on a cluster node that lacks it). Scripts live
 * in a `commands/` folder beside their user, with a header naming their KEYS and ARGV.
 */
export function luaCommand<Result>(redis: ScriptHost, name: string, lua: string): LuaCommand<Result> {
  redis.defineCommand(name, { lua });
  const host = redis as unknown as Record<string, (...a: unknown[]) => Promise<Result>>;
  return (keys, args) => {
    const command = host[name];
    if (!command) throw new Error(`Lua command ${name} is not defined on this connection`);
    return command.call(redis, keys.length, ...keys, ...args);
  };
}
