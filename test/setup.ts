import { Testing } from 'cdktf';
// Brings the global jest.Matchers declarations (toHaveResourceWithProperties...).
import 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
