/** An error shaped as the AWS SDK throws it: the code as its name, and the HTTP status in $metadata. */
export const awsError = (name: string, status = 400, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
