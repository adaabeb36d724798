/**
 * How many times `run` calls setAlarm. Billing counts each setAlarm as one row written, and the
 * SQL cursors that sql-meter reads never see it, so it is counted here.
 */
export async function countSetAlarm(
  storage: DurableObjectStorage,
  run: () => unknown,
): Promise<number> {
  const own = Object.getOwnPropertyDescriptor(storage, "setAlarm");
  const setAlarm = storage.setAlarm.bind(storage);
  let calls = 0;
  storage.setAlarm = (...args: Parameters<typeof setAlarm>) => {
    calls++;
    return setAlarm(...args);
  };
  try {
    await run();
    return calls;
  } finally {
    if (own) Object.defineProperty(storage, "setAlarm", own);
    else delete (storage as Partial<DurableObjectStorage>).setAlarm;
  }
}
