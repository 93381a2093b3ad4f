/**
 * @module
 * The shape of one row of `S3_ERRORS` (`../errors.ts`): how a reason travels on the wire, and the
 * details its message may be built from. Every topic module's rows have this shape.
 */

/** Details some messages are built from. */
export interface S3ErrorDetail {
  /** A KMS key id, ARN or Region, as the message quotes it. */
  readonly keyId?: string | undefined;
  /** The caller's ARN, for messages that name the principal. */
  readonly principalArn?: string | undefined;
  /** The S3 action, e.g. `s3:PutObject`. */
  readonly action?: string | undefined;
  /** The resource ARN, e.g. `arn:aws:s3:::bucket/key`. */
  readonly resource?: string | undefined;
  /** A location constraint or a feature, as the message quotes it. */
  readonly value?: string | undefined;
  /** What a request promised and what it sent, for messages that name both (checksum algorithms). */
  readonly expected?: string | undefined;
  readonly actual?: string | undefined;
  /** Why a request was refused, as the AccessDenied message ends (`with an explicit deny in ...`). */
  readonly because?: string | undefined;
}

/** How one reason travels on the wire. */
export interface S3WireError {
  /** The `<Code>` S3 sends. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** The `<Message>`, fixed or built from the detail. */
  readonly message: string | ((detail: S3ErrorDetail) => string);
  /** `ArgumentName` S3 adds for this reason, if any. */
  readonly argumentName?: string;
}
