/** A control-side error (not a SNAP answer): the control API turns it into its HTTP status. */
export class SimulatorError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}
