// Loaded with `node --import` into a connector under test (NODE_OPTIONS), never by the
// connector itself: its clock runs FINPRO_TEST_CLOCK_SKEW_MS off this machine's, as a host
// with a wrong clock would, while production code keeps no test hook.
const skewMs = Number(process.env.FINPRO_TEST_CLOCK_SKEW_MS ?? '0');
if (Number.isFinite(skewMs) && skewMs !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skewMs);
      else super(...args);
    }
    static now() {
      return realNow() + skewMs;
    }
  }
  globalThis.Date = SkewedDate;
}
